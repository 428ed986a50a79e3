import { z } from 'zod';
import { FACTOR_IDS } from '../deliberation/verdict.ts';

/**
 * Kinds of finding the rubric engine can make. Pattern signals in a constitution pick one of
 * these kinds, so weighing, constraints and heuristics can reason about any signal by its kind.
 */
export const FINDING_KINDS = [
  'destructive_operation',
  'irreversible_side_effect',
  'money_movement',
  'access_grant',
  'safety_control',
  'bulk_scope',
  'production_target',
  'project_scope',
  'read_only',
  'sensitive_data',
  'credential',
  'external_recipient',
  'exfiltration',
  'remote_code_execution',
  'obfuscation',
  'injection_instruction',
  'target_from_tool_output',
  'follows_tool_output_instruction',
  'command_from_tool_output',
  'unrequested_action',
  'user_requested',
  'vulnerable_person',
  'harmful_request',
  'public_information',
  'unanalysable_input',
] as const;
export const FindingKindSchema = z.enum(FINDING_KINDS);
export type FindingKind = z.infer<typeof FindingKindSchema>;

/** Where a pattern signal looks. */
export const SIGNAL_SCOPES = ['executed', 'tool', 'request', 'tool_output'] as const;
export const SignalScopeSchema = z.enum(SIGNAL_SCOPES);
export type SignalScope = z.infer<typeof SignalScopeSchema>;

const regexSource = z.string().refine(
  (source) => {
    try {
      new RegExp(source, 'iu');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be a valid regular expression (JavaScript syntax, matched case-insensitively)' },
);

/** How much a finding moves each factor: positive raises concern, negative lowers it. */
export const FactorEffectsSchema = z.partialRecord(z.enum(FACTOR_IDS), z.number().min(-1).max(1));
export type FactorEffects = z.infer<typeof FactorEffectsSchema>;

export const SignalSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  kind: FindingKindSchema,
  detail: z.string().min(1).describe('What the signal means, written into findings and the trace'),
  in: z.array(SignalScopeSchema).min(1).describe('Where to look for the patterns'),
  patterns: z.array(regexSource).min(1),
  requested_by: z
    .array(regexSource)
    .default([])
    .describe("Patterns that, found in the user's request, show the user asked for this kind of action"),
  effects: FactorEffectsSchema.default({}),
  benefit: z.number().min(-1).max(1).default(0).describe('How the signal moves the benefit score'),
});
export type Signal = z.infer<typeof SignalSchema>;

/** A condition over findings and factor scores; every part that is present must hold. */
export const ConditionSchema = z.strictObject({
  all: z.array(z.string()).default([]).describe('Finding kinds or signal ids that must all be present'),
  any: z.array(z.string()).default([]).describe('Finding kinds or signal ids of which one must be present'),
  none: z.array(z.string()).default([]).describe('Finding kinds or signal ids that must be absent'),
  unrequested: z
    .array(z.string())
    .default([])
    .describe('Finding kinds or signal ids of which one must be present without the user having asked for that action'),
  factors_min: FactorEffectsSchema.default({}).describe('Factor scores that must be reached'),
  risk_min: z.number().min(0).max(1).optional(),
});
export type Condition = z.infer<typeof ConditionSchema>;

export const HardConstraintSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  text: z.string().min(1),
  when: ConditionSchema,
});

export const VetoSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  text: z.string().min(1),
  when: ConditionSchema,
  decision: z.enum(['deny', 'escalate']).describe('The least cautious decision the veto leaves possible'),
});

const shift = z.number().min(-0.5).max(0.5);

export const RubricConfigSchema = z.strictObject({
  shell_tools: z
    .array(regexSource)
    .min(1)
    .describe('Tool names whose input is a shell command or code that runs'),
  executed_fields: z
    .array(z.string().min(1))
    .min(1)
    .describe('Input field names that a shell tool executes, for example command'),
  ignored_fields: z
    .array(z.string().min(1))
    .describe('Input field names that are never executed and so never judged, for example description'),
  recipient_fields: z
    .array(regexSource)
    .describe('Field names that name a recipient, payee or grantee of the action'),
  bulk_recipients: z.number().int().min(2).describe('This many recipients or targets in one action is a bulk action'),
  factor_base: FactorEffectsSchema.describe('Score of each factor before any finding moves it'),
  detectors: z
    .partialRecord(FindingKindSchema, FactorEffectsSchema)
    .describe('Factor effects of the findings that structural detectors make'),
  detector_benefits: z.partialRecord(FindingKindSchema, z.number().min(-1).max(1)).default({}),
  signals: z.array(SignalSchema),
  benefit_base: z.number().min(0).max(1),
  benefit_weight: z
    .number()
    .min(0)
    .max(1)
    .describe('How much of the benefit score is subtracted from the harm when computing risk'),
  heuristics: z.strictObject({
    thousand_users: z.strictObject({ harmful_majority: shift, benign_majority: shift }),
    senior_reviewer: z.strictObject({ recognises_attack: shift, needless_refusal: shift }),
    dual_newspaper: z.strictObject({ harm_headline: shift, paternalism_headline: shift }),
  }),
  hard_constraints: z.array(HardConstraintSchema),
  vetoes: z.array(VetoSchema),
});
export type RubricConfig = z.infer<typeof RubricConfigSchema>;
