import { z } from 'zod';
import { EngineIdSchema } from './request.ts';

/** The eight factors, in the order a deliberation weighs them. The ids are part of the API. */
export const FACTOR_IDS = [
  'probability',
  'counterfactual',
  'severity',
  'breadth',
  'proximity',
  'consent',
  'responsibility',
  'vulnerability',
] as const;
export const FactorIdSchema = z.enum(FACTOR_IDS);
export type FactorId = z.infer<typeof FactorIdSchema>;

export const HEURISTIC_IDS = ['thousand_users', 'senior_reviewer', 'dual_newspaper'] as const;
export const HeuristicIdSchema = z.enum(HEURISTIC_IDS);
export type HeuristicId = z.infer<typeof HeuristicIdSchema>;

export const DECISIONS = ['allow', 'deny', 'escalate'] as const;
export const DecisionSchema = z.enum(DECISIONS);
export type Decision = z.infer<typeof DecisionSchema>;

const unitScore = z.number().min(0).max(1);

/** A pointer into the request that drove a judgement. */
export const EvidenceSchema = z.object({
  path: z.string().describe('Where in the request the value sits, for example action.input.command'),
  source: z
    .string()
    .optional()
    .describe('Where the value was seen before the action, for example context.history[3]'),
  raw: z.string().optional().describe('The text as the agent sent it, shortened'),
  normalized: z
    .string()
    .optional()
    .describe('The same text after decoding, as the tool or shell will see it'),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

export const FactorAssessmentSchema = z.object({
  id: FactorIdSchema,
  score: unitScore.describe('0 is no concern, 1 is the highest concern'),
  rationale: z.string().min(1),
  evidence: z.array(EvidenceSchema),
});
export type FactorAssessment = z.infer<typeof FactorAssessmentSchema>;

export const BenefitAssessmentSchema = z.object({
  score: unitScore.describe('Value of letting the action run, and so the cost of blocking it'),
  rationale: z.string().min(1),
});

export const HeuristicOutcomeSchema = z.object({
  id: HeuristicIdSchema,
  outcome: z.string().min(1).describe('Short machine-readable outcome, for example harm_headline'),
  note: z.string().min(1),
  shift: z.number().min(-1).max(1).default(0).describe('How much the heuristic moved the risk'),
});

export const ConstraintHitSchema = z.object({
  id: z.string(),
  kind: z.enum(['hard_constraint', 'veto']),
  hit: z.boolean(),
  note: z.string().optional(),
});

export const TraceStepSchema = z.object({
  step: z.string().min(1),
  text: z.string().min(1),
});
export type TraceStep = z.infer<typeof TraceStepSchema>;

/** A typed observation an engine made about the action, with where it saw it. */
export const FindingSchema = z.object({
  kind: z.string(),
  detail: z.string(),
  evidence: z.array(EvidenceSchema),
});
export type Finding = z.infer<typeof FindingSchema>;

export const FAIL_REASONS = [
  'llm_timeout',
  'llm_overloaded',
  'llm_unavailable',
  'truncated_output',
  'invalid_output',
  'not_configured',
] as const;

export const EngineReportSchema = z.object({
  id: EngineIdSchema.describe('The engine the request asked for'),
  decided_by: z
    .enum(['rubric', 'claude', 'openai-compatible', 'fail_mode'])
    .describe('What produced the decision: an engine, or the constitution fail mode'),
  tier: z.enum(['rubric', 'llm']).optional().describe('For cascade: the tier that settled the case'),
  model: z.string().optional(),
  latency_ms: z.number().min(0),
  tokens: z
    .object({
      input: z.number().int().min(0),
      output: z.number().int().min(0),
      cache_read: z.number().int().min(0),
      cache_write: z.number().int().min(0).default(0),
    })
    .optional(),
  retries: z.number().int().min(0).default(0),
  fail_mode: z
    .object({ mode: z.enum(['deny', 'escalate', 'rubric']), reason: z.enum(FAIL_REASONS), detail: z.string() })
    .optional()
    .describe('Present when the constitution fail mode decided'),
});
export type EngineReport = z.infer<typeof EngineReportSchema>;

export const ConstitutionRefSchema = z.object({
  id: z.string(),
  version: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

/** What an engine produces: the verdict without identity, time and constitution reference. */
export const DeliberationSchema = z.object({
  decision: DecisionSchema,
  risk: unitScore,
  confidence: unitScore,
  factors: z
    .array(FactorAssessmentSchema)
    .length(FACTOR_IDS.length)
    .refine((factors) => new Set(factors.map((factor) => factor.id)).size === FACTOR_IDS.length, {
      message: 'each of the eight factors must appear exactly once',
    }),
  benefits: BenefitAssessmentSchema,
  heuristics: z.array(HeuristicOutcomeSchema),
  constraints: z.array(ConstraintHitSchema),
  findings: z.array(FindingSchema).default([]),
  trace: z.array(TraceStepSchema).min(1),
  engine: EngineReportSchema,
});
export type Deliberation = z.infer<typeof DeliberationSchema>;

export const VerdictSchema = DeliberationSchema.extend({
  id: z.string().regex(/^vrd_[0-9A-Z]{26}$/),
  constitution: ConstitutionRefSchema,
  training: z.object({
    eligible: z.boolean(),
    reason: z.string().optional().describe('Why the verdict is kept out of training exports'),
  }),
  created_at: z.iso.datetime(),
});
export type Verdict = z.infer<typeof VerdictSchema>;
