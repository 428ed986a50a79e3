import { z } from 'zod';
import { DecisionSchema, FactorIdSchema, HeuristicIdSchema } from '../deliberation/verdict.ts';
import { RubricConfigSchema } from './rubric-config.ts';

const unitScore = z.number().min(0).max(1);

export const FailModeSchema = z
  .enum(['deny', 'escalate', 'rubric'])
  .describe('What decides when an LLM engine fails: a fixed decision, or the embedded rubric engine');
export type FailMode = z.infer<typeof FailModeSchema>;

export const FactorDefinitionSchema = z.strictObject({
  question: z.string().min(1),
  weight: z.number().min(0).max(10).describe('Relative weight of the factor in the risk score'),
});

export const HeuristicDefinitionSchema = z.strictObject({ question: z.string().min(1) });

export const PrincipleSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  text: z.string().min(1),
});

export const CaseStudySchema = z.strictObject({
  title: z.string().min(1),
  scenario: z.string().min(1),
  deliberation: z.string().min(1),
  decision: DecisionSchema,
});

export const ThresholdsSchema = z
  .strictObject({
    allow_below: unitScore.describe('Risk under this allows, unless a veto or constraint says otherwise'),
    deny_at: unitScore.describe('Risk at or over this denies'),
    min_confidence: unitScore.describe('Under this confidence the verdict escalates instead of allowing or denying'),
  })
  .refine((value) => value.allow_below <= value.deny_at, {
    message: 'allow_below must not exceed deny_at',
    path: ['allow_below'],
  });

export const GreyBandSchema = z.strictObject({
  risk_min: unitScore,
  risk_max: unitScore,
  confidence_below: unitScore.describe('A rubric verdict under this confidence goes to the LLM tier'),
});

export const ConstitutionSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'a semantic version such as 1.0.0'),
  title: z.string().min(1),
  description: z.string().min(1),
  principles: z.array(PrincipleSchema).min(1).describe('In priority order, highest first'),
  heuristics: z.record(HeuristicIdSchema, HeuristicDefinitionSchema).describe('All three heuristics, by id'),
  factors: z.record(FactorIdSchema, FactorDefinitionSchema).describe('All eight factors, by id'),
  thresholds: ThresholdsSchema,
  fail_mode: FailModeSchema.default('escalate'),
  grey_band: GreyBandSchema.default({ risk_min: 0.25, risk_max: 0.7, confidence_below: 0.6 }),
  case_studies: z.array(CaseStudySchema).default([]),
  rubric: RubricConfigSchema,
});
export type Constitution = z.infer<typeof ConstitutionSchema>;

/** A loaded constitution with the hash of the file it came from. */
export interface LoadedConstitution {
  readonly spec: Constitution;
  readonly sha256: string;
  readonly file: string;
}
