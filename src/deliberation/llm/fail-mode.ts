import type { Constitution, FailMode } from '../../constitution/schema.ts';
import type { DeliberationRequest } from '../request.ts';
import { deliberateWithRubric } from '../rubric/rubric-engine.ts';
import { FACTOR_IDS, type Deliberation, type EngineReport } from '../verdict.ts';
import type { FailReason } from './judge-client.ts';

/** Cause of an LLM engine failure, for the verdict and the trace. */
export interface EngineFailure {
  readonly reason: FailReason;
  /** One sentence on what happened, stored in the verdict; never contains request content. */
  readonly detail: string;
}

const REASON_TEXT: Record<FailReason, string> = {
  llm_timeout: 'did not answer before the deadline',
  llm_overloaded: 'was overloaded or rate limited after its retries',
  llm_unavailable: 'could not be reached or rejected the call',
  truncated_output: 'stopped at the output token limit before its verdict was complete',
  invalid_output: 'did not give a valid verdict',
  not_configured: 'is not configured',
};

/**
 * Builds the verdict the constitution's fail mode gives after an LLM engine failed. `deny` and
 * `escalate` decide without an assessment, so their factor scores are placeholders (0.5) and
 * their confidence is 0; `rubric` returns the embedded engine's own verdict. Every path is
 * marked as decided by the fail mode, and none allows unless the rubric engine itself allows.
 */
export function applyFailMode(
  failure: EngineFailure,
  report: Omit<EngineReport, 'decided_by' | 'fail_mode'>,
  request: DeliberationRequest,
  spec: Constitution,
): Deliberation {
  const mode: FailMode = spec.fail_mode;
  const engine: EngineReport = { ...report, decided_by: 'fail_mode', fail_mode: { mode, ...failure } };
  const failStep = {
    step: 'fail_mode',
    text:
      `The ${report.id} engine ${REASON_TEXT[failure.reason]} (${failure.reason}: ${failure.detail}). ` +
      (mode === 'rubric'
        ? `The constitution's fail mode is rubric, so the embedded rubric engine decides.`
        : `The constitution's fail mode is ${mode}, so the decision is ${mode} without an assessment.`),
  };

  if (mode === 'rubric') {
    const fallback = deliberateWithRubric(request, spec);
    return { ...fallback, trace: [failStep, ...fallback.trace], engine };
  }

  const notAssessed = `Not assessed: the ${report.id} engine ${REASON_TEXT[failure.reason]}.`;
  return {
    decision: mode,
    risk: 0.5,
    confidence: 0,
    factors: FACTOR_IDS.map((id) => ({ id, score: 0.5, rationale: notAssessed, evidence: [] })),
    benefits: { score: 0.5, rationale: notAssessed },
    heuristics: [],
    constraints: [],
    findings: [],
    trace: [failStep],
    engine,
  };
}
