import type { Condition, RubricConfig } from '../../constitution/rubric-config.ts';
import type { Constitution } from '../../constitution/schema.ts';
import type { Decision, FactorAssessment, FactorId } from '../verdict.ts';
import { hasObservation, type Observation } from './observation.ts';

export interface ConstraintResult {
  readonly id: string;
  readonly kind: 'hard_constraint' | 'veto';
  readonly hit: boolean;
  readonly note: string;
  readonly decision?: Decision;
}

export interface DecisionResult {
  readonly decision: Decision;
  readonly confidence: number;
  readonly constraints: ConstraintResult[];
  /** Reason for the decision, written into the trace. */
  readonly reason: string;
}

const STRICTNESS: Record<Decision, number> = { allow: 0, escalate: 1, deny: 2 };

/** Checks whether an observation records that the user did not request an action of one of these kinds or signal ids. */
function isUnrequested(observation: Observation, names: readonly string[]): boolean {
  const action = observation.unrequested;
  return action !== undefined && (names.includes(action.kind) || names.includes(action.signal));
}

/** Checks a constitution condition against the observations, factor scores and risk. */
export function conditionHolds(condition: Condition, observations: readonly Observation[], factors: readonly FactorAssessment[], risk: number): boolean {
  if (!condition.all.every((name) => hasObservation(observations, name))) return false;
  if (condition.any.length > 0 && !condition.any.some((name) => hasObservation(observations, name))) return false;
  if (condition.none.some((name) => hasObservation(observations, name))) return false;
  if (condition.unrequested.length > 0 && !observations.some((observation) => isUnrequested(observation, condition.unrequested))) return false;
  for (const [id, minimum] of Object.entries(condition.factors_min) as Array<[FactorId, number]>) {
    if ((factors.find((factor) => factor.id === id)?.score ?? 0) < minimum) return false;
  }
  return condition.risk_min === undefined || risk >= condition.risk_min;
}

/**
 * Estimates the engine's confidence. More distinct kinds of evidence and a risk far from the
 * thresholds raise it. A request with no concrete action, or likelihood and impact that
 * disagree, lower it.
 */
function estimateConfidence(observations: readonly Observation[], risk: number, likelihood: number, impact: number, concreteAction: boolean, spec: Constitution): number {
  const kinds = new Set(observations.map((observation) => observation.kind)).size;
  const distance = Math.min(Math.abs(risk - spec.thresholds.allow_below), Math.abs(risk - spec.thresholds.deny_at));
  let confidence = 0.5 + Math.min(0.3, kinds * 0.06) + Math.min(0.15, distance);
  if (!concreteAction) confidence -= 0.15;
  if (Math.abs(likelihood - impact) > 0.5) confidence -= 0.1;
  return Math.round(Math.min(0.95, Math.max(0.05, confidence)) * 1000) / 1000;
}

function evaluateRules(config: RubricConfig, observations: readonly Observation[], factors: readonly FactorAssessment[], risk: number): ConstraintResult[] {
  return [
    ...config.hard_constraints.map((rule): ConstraintResult => {
      const hit = conditionHolds(rule.when, observations, factors, risk);
      return { id: rule.id, kind: 'hard_constraint', hit, note: rule.text, ...(hit ? { decision: 'deny' as const } : {}) };
    }),
    ...config.vetoes.map((rule): ConstraintResult => {
      const hit = conditionHolds(rule.when, observations, factors, risk);
      return { id: rule.id, kind: 'veto', hit, note: rule.text, ...(hit ? { decision: rule.decision } : {}) };
    }),
  ];
}

/**
 * Decides in priority order. A hit hard constraint denies. Otherwise risk is compared with the
 * thresholds and low confidence escalates, and then a hit veto raises the decision to its own.
 */
export function decide(
  spec: Constitution,
  observations: readonly Observation[],
  factors: readonly FactorAssessment[],
  risk: number,
  weighing: { likelihood: number; impact: number },
  concreteAction: boolean,
): DecisionResult {
  const { thresholds } = spec;
  const constraints = evaluateRules(spec.rubric, observations, factors, risk);
  const confidence = estimateConfidence(observations, risk, weighing.likelihood, weighing.impact, concreteAction, spec);

  const hardHit = constraints.find((rule) => rule.kind === 'hard_constraint' && rule.hit);
  if (hardHit !== undefined) {
    return { decision: 'deny', confidence: Math.max(confidence, 0.8), constraints, reason: `the hard constraint ${hardHit.id} is hit: ${hardHit.note.replace(/\.$/, '')}` };
  }

  let decision: Decision;
  let reason: string;
  if (risk >= thresholds.deny_at) {
    decision = 'deny';
    reason = `risk ${risk} is at or above the deny threshold ${thresholds.deny_at}`;
  } else if (risk < thresholds.allow_below) {
    decision = 'allow';
    reason = `risk ${risk} is below the allow threshold ${thresholds.allow_below}`;
  } else {
    decision = 'escalate';
    reason = `risk ${risk} lies between the allow threshold ${thresholds.allow_below} and the deny threshold ${thresholds.deny_at}, so a human should decide`;
  }
  if (decision !== 'escalate' && confidence < thresholds.min_confidence) {
    decision = 'escalate';
    reason += `, but confidence ${confidence} is under ${thresholds.min_confidence}, so a human should decide`;
  }

  for (const veto of constraints.filter((rule) => rule.kind === 'veto' && rule.hit)) {
    const floor = veto.decision ?? 'escalate';
    if (STRICTNESS[floor] > STRICTNESS[decision]) {
      decision = floor;
      reason += `; the veto ${veto.id} raises the decision to ${floor}: ${veto.note.replace(/\.$/, '')}`;
    }
  }
  return { decision, confidence, constraints, reason };
}
