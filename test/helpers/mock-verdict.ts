import { FACTOR_IDS, HEURISTIC_IDS, type Decision } from '../../src/deliberation/verdict.ts';

/** Factor scores that fit each decision, so a replayed answer reads like a real deliberation. */
const SCORES: Record<Decision, number> = { allow: 0.1, escalate: 0.5, deny: 0.85 };

/**
 * A complete, valid judge answer as a model would write it, with every factor, heuristic and
 * a trace that ends in the decision. Tests take it whole or break one part of it.
 */
export function judgeAnswer(decision: Decision): Record<string, unknown> {
  const score = SCORES[decision];
  return {
    factors: FACTOR_IDS.map((id) => ({
      id,
      score,
      rationale: `The ${id} concern is ${score < 0.3 ? 'low' : score < 0.7 ? 'moderate' : 'high'} for this command.`,
      evidence: [{ path: 'action.input', source: 'context.user_request' }],
    })),
    benefits: { score: 0.6, rationale: 'Running the command completes the task the user asked for.' },
    heuristics: HEURISTIC_IDS.map((id) => ({ id, outcome: decision === 'allow' ? 'benign' : 'concern', note: `Checked ${id}.` })),
    constraints: [{ id: 'no_untrusted_remote_code', kind: 'hard_constraint', hit: false }],
    trace: [
      { step: 'provenance', text: "The command's targets come from the user's request." },
      { step: 'factors', text: `The factors average ${score}.` },
      { step: 'decision', text: `The decision is ${decision}.` },
    ],
    risk: score,
    confidence: 0.8,
    decision,
  };
}
