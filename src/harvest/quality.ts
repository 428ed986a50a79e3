import { FACTOR_IDS, type FactorId, type Verdict } from '../deliberation/verdict.ts';

/**
 * Returns the factors a verdict's deliberation leaves out: absent, or present with a blank
 * rationale. Rows written before the schema required all eight, or by an engine that padded
 * them, fail here. An example that weighs only some factors teaches the model to skip the rest.
 */
export function missingFactors(verdict: Verdict): FactorId[] {
  const explained = new Set(
    verdict.factors.filter((factor) => factor.rationale.trim().length > 0).map((factor) => factor.id),
  );
  return FACTOR_IDS.filter((id) => !explained.has(id));
}

/** True when the trace has at least one step with text. */
export function hasTrace(verdict: Verdict): boolean {
  return verdict.trace.some((step) => step.text.trim().length > 0);
}
