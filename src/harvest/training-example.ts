import type { LoadedConstitution } from '../constitution/schema.ts';
import { renderConstitution } from '../constitution/render.ts';
import { renderScenario } from '../deliberation/scenario.ts';
import type { Decision, Verdict } from '../deliberation/verdict.ts';
import type { Review } from '../store/review.ts';
import type { StoredVerdict } from '../store/store.ts';

/** The parts of one training example that every export format is built from. */
export interface TrainingExample {
  /** The redacted record the example comes from. */
  readonly record: StoredVerdict;
  readonly system: string;
  /** The judged scenario: user request, history and proposed action. */
  readonly scenario: string;
  /** The deliberation the model should learn to write, ending with the decision. */
  readonly deliberation: string;
  /** The exported decision: the reviewer's correction when there is one, else the engine's. */
  readonly decision: Decision;
  readonly corrected: boolean;
}

/** Returns the reviewer's corrected decision, or undefined when the verdict was not corrected. */
export function correctedDecision(review: Review | undefined): Decision | undefined {
  return review?.outcome === 'correct' ? review.corrected_decision : undefined;
}

/**
 * Writes the deliberation the model should learn: the trace, the factor scores, then the
 * decision. A corrected verdict ends with the reviewer's decision and states that a reviewer
 * overrode the engine, so the target never argues for one decision and states another silently.
 */
export function renderDeliberation(verdict: Verdict, review?: Review): string {
  const trace = verdict.trace.map((step) => `${step.step}: ${step.text}`);
  const factors = verdict.factors.map((factor) => `- ${factor.id} ${factor.score.toFixed(2)}: ${factor.rationale}`);
  const correction = correctedDecision(review);
  const closing =
    correction === undefined
      ? [`Decision: ${verdict.decision} (risk ${verdict.risk.toFixed(2)}, confidence ${verdict.confidence.toFixed(2)})`]
      : [
          `Review: the weighing above leads to ${verdict.decision}, but a human reviewer decided ${correction}${review?.note ? `: ${review.note}` : '.'}`,
          `Decision: ${correction} (risk ${verdict.risk.toFixed(2)})`,
        ];
  return [
    ...trace,
    '',
    'Factors:',
    ...factors,
    `Benefits ${verdict.benefits.score.toFixed(2)}: ${verdict.benefits.rationale}`,
    '',
    ...closing,
  ].join('\n');
}

/** Returns the system prompt: the constitution the verdict was decided under, when it is still loaded with the same hash. */
export function systemPrompt(verdict: Verdict, constitution: LoadedConstitution | undefined): string {
  if (constitution && constitution.sha256 === verdict.constitution.sha256) return renderConstitution(constitution.spec);
  return `Constitution ${verdict.constitution.id} ${verdict.constitution.version} (sha256 ${verdict.constitution.sha256})`;
}

/** Builds the training example of a redacted stored verdict. */
export function toTrainingExample(record: StoredVerdict, constitution: LoadedConstitution | undefined): TrainingExample {
  const correction = correctedDecision(record.review);
  return {
    record,
    system: systemPrompt(record.verdict, constitution),
    scenario: renderScenario(record.request),
    deliberation: renderDeliberation(record.verdict, record.review),
    decision: correction ?? record.verdict.decision,
    corrected: correction !== undefined,
  };
}
