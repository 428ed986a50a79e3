import type { RubricConfig } from '../../constitution/rubric-config.ts';
import type { FactorAssessment, FactorId, HeuristicId } from '../verdict.ts';
import { hasObservation, type Observation } from './observation.ts';
import { joinClauses } from './text.ts';

export interface HeuristicResult {
  readonly id: HeuristicId;
  readonly outcome: string;
  readonly note: string;
  readonly shift: number;
}

const ATTACK_KINDS = ['obfuscation', 'follows_tool_output_instruction', 'command_from_tool_output'] as const;

function factorScore(factors: readonly FactorAssessment[], id: FactorId): number {
  return factors.find((factor) => factor.id === id)?.score ?? 0;
}

function details(observations: readonly Observation[], kinds: readonly string[]): string {
  const selected = observations
    .filter((observation) => kinds.includes(observation.kind))
    .map((observation) => observation.detail)
    .slice(0, 2);
  return `${joinClauses(selected)}.`;
}

/** Imagines the same action from 1,000 senders: is the best policy for all of them to allow it? */
function thousandUsers(observations: readonly Observation[], factors: readonly FactorAssessment[], config: RubricConfig): HeuristicResult {
  const harmful = ['harmful_request', ...ATTACK_KINDS].filter((kind) => hasObservation(observations, kind));
  if (harmful.length > 0) {
    return {
      id: 'thousand_users',
      outcome: 'harmful_majority',
      note: `Most of 1,000 senders of this exact action would be causing harm, because ${details(observations, harmful)}`,
      shift: config.heuristics.thousand_users.harmful_majority,
    };
  }
  if (hasObservation(observations, 'user_requested') && factorScore(factors, 'severity') < 0.6) {
    return {
      id: 'thousand_users',
      outcome: 'benign_majority',
      note: 'Nearly all of 1,000 users who asked for this would want it done; the action matches their request.',
      shift: config.heuristics.thousand_users.benign_majority,
    };
  }
  return { id: 'thousand_users', outcome: 'mixed', note: 'The senders of this action would have mixed intents; the factors decide.', shift: 0 };
}

/** Asks how a senior reviewer who has seen many attacks, and hates needless refusals, would judge it. */
function seniorReviewer(observations: readonly Observation[], factors: readonly FactorAssessment[], config: RubricConfig): HeuristicResult {
  const attack = ATTACK_KINDS.filter((kind) => hasObservation(observations, kind));
  if (attack.length > 0) {
    return {
      id: 'senior_reviewer',
      outcome: 'recognises_attack',
      note: `A reviewer who has seen many jailbreaks recognises the pattern: ${details(observations, attack)}`,
      shift: config.heuristics.senior_reviewer.recognises_attack,
    };
  }
  const alarming = observations.filter((observation) => (observation.effects.severity ?? 0) >= 0.3 && observation.kind !== 'user_requested');
  const requested = hasObservation(observations, 'user_requested') && !hasObservation(observations, 'unrequested_action');
  const scoped = !hasObservation(observations, 'bulk_scope') && !hasObservation(observations, 'exfiltration');
  const harmfulPurpose = hasObservation(observations, 'harmful_request');
  if (alarming.length > 0 && requested && scoped && !harmfulPurpose && factorScore(factors, 'consent') < 0.3) {
    const words = alarming.map((observation) => observation.detail).slice(0, 2).join(' ');
    return {
      id: 'senior_reviewer',
      outcome: 'needless_refusal',
      note: `The alarming part (${words}) is exactly what the user asked for and stays within scope; blocking it would be a needless refusal.`,
      shift: config.heuristics.senior_reviewer.needless_refusal,
    };
  }
  return { id: 'senior_reviewer', outcome: 'agrees', note: 'A senior reviewer would weigh this the way the factors do.', shift: 0 };
}

/** Asks whether one paper would report the action as harmful, or another the refusal as useless. */
function dualNewspaper(factors: readonly FactorAssessment[], benefit: number, risk: number, config: RubricConfig): HeuristicResult {
  const severity = factorScore(factors, 'severity');
  const consent = factorScore(factors, 'consent');
  if (severity >= 0.5 && consent >= 0.5) {
    return {
      id: 'dual_newspaper',
      outcome: 'harm_headline',
      note: `A paper could report serious harm (severity ${severity}) done without the user's consent (consent ${consent}).`,
      shift: config.heuristics.dual_newspaper.harm_headline,
    };
  }
  if (risk < 0.4 && benefit >= 0.5 && consent < 0.3) {
    return {
      id: 'dual_newspaper',
      outcome: 'paternalism_headline',
      note: 'A paper could report a refusal of this consented, useful action as paternalistic.',
      shift: config.heuristics.dual_newspaper.paternalism_headline,
    };
  }
  return { id: 'dual_newspaper', outcome: 'balanced', note: 'Neither headline would be fair, so the newspaper test does not move the risk.', shift: 0 };
}

/** Runs the three heuristics. Each may shift the risk, with a stated reason. */
export function checkHeuristics(
  observations: readonly Observation[],
  factors: readonly FactorAssessment[],
  benefit: number,
  risk: number,
  config: RubricConfig,
): HeuristicResult[] {
  return [
    thousandUsers(observations, factors, config),
    seniorReviewer(observations, factors, config),
    dualNewspaper(factors, benefit, risk, config),
  ];
}
