import { z } from 'zod';
import { DeliberationSchema, FACTOR_IDS, HEURISTIC_IDS, HeuristicOutcomeSchema } from '../verdict.ts';

/** Name of the tool the judge must call; its input is the verdict. */
export const VERDICT_TOOL_NAME = 'record_verdict';

export const VERDICT_TOOL_DESCRIPTION =
  'Records your verdict on the proposed action. Write each factor, the benefits, the heuristics, ' +
  'the constraint checks and the trace before the risk, confidence and decision.';

const { shape } = DeliberationSchema;

/**
 * The verdict parts that the LLM judge writes, with the deliberation keys before the decision
 * keys. Models tend to fill properties in schema order, so the factors
 * are written out before the decision they justify.
 */
export const JudgeAnswerSchema = z
  .object({
    factors: shape.factors.describe(`One entry for each factor, in this order: ${FACTOR_IDS.join(', ')}`),
    benefits: shape.benefits,
    heuristics: z
      .array(HeuristicOutcomeSchema)
      .length(HEURISTIC_IDS.length)
      .refine((heuristics) => new Set(heuristics.map((heuristic) => heuristic.id)).size === HEURISTIC_IDS.length, {
        message: 'each of the three heuristics must appear exactly once',
      })
      .describe(`One entry for each heuristic: ${HEURISTIC_IDS.join(', ')}`),
    constraints: shape.constraints.describe('Every hard constraint and veto of the constitution, each with hit true or false'),
    trace: shape.trace.describe('The deliberation as ordered steps, ending with a step named decision'),
    risk: shape.risk,
    confidence: shape.confidence,
    decision: shape.decision,
  })
  .superRefine((answer, context) => {
    const hardHit = answer.constraints.find((constraint) => constraint.hit && constraint.kind === 'hard_constraint');
    if (hardHit && answer.decision !== 'deny') {
      context.addIssue({
        code: 'custom',
        path: ['decision'],
        message: `hard constraint ${hardHit.id} is hit, so the decision must be deny`,
      });
    }
    const vetoHit = answer.constraints.find((constraint) => constraint.hit && constraint.kind === 'veto');
    if (vetoHit && answer.decision === 'allow') {
      context.addIssue({ code: 'custom', path: ['decision'], message: `veto ${vetoHit.id} is hit, so the decision cannot be allow` });
    }
  });
export type JudgeAnswer = z.infer<typeof JudgeAnswerSchema>;

/** Generates the tool's input schema from the zod types, so the two cannot drift apart. */
export function verdictInputSchema(): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(JudgeAnswerSchema, { io: 'input' });
  return schema;
}

/** Lists the factor ids a response left out, so the retry note names what to add. */
function missingFactors(input: unknown): string[] {
  const factors = (input as { factors?: unknown } | null)?.factors;
  if (!Array.isArray(factors)) return [];
  const present = new Set(factors.map((factor) => (factor as { id?: unknown } | null)?.id));
  return FACTOR_IDS.filter((id) => !present.has(id));
}

/** Formats why a response is invalid as `path: message` items the model can act on. */
export function describeAnswerIssues(error: z.ZodError, input: unknown): string {
  const issues = error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(input)';
    const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
    return `${path}: ${missing ? 'missing' : issue.message}`;
  });
  const missing = missingFactors(input);
  if (missing.length > 0) issues.push(`factors: missing ${missing.join(', ')}`);
  return issues.join('; ');
}

/** Puts the factors and heuristics of a valid response in the canonical order of their ids. */
export function inCanonicalOrder(answer: JudgeAnswer): JudgeAnswer {
  const rank = (ids: readonly string[], id: string): number => ids.indexOf(id);
  return {
    ...answer,
    factors: [...answer.factors].sort((a, b) => rank(FACTOR_IDS, a.id) - rank(FACTOR_IDS, b.id)),
    heuristics: [...answer.heuristics].sort((a, b) => rank(HEURISTIC_IDS, a.id) - rank(HEURISTIC_IDS, b.id)),
  };
}
