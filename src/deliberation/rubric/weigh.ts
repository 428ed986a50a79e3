import type { Constitution } from '../../constitution/schema.ts';
import { FACTOR_IDS, type Evidence, type FactorAssessment, type FactorId } from '../verdict.ts';
import type { Observation } from './observation.ts';
import { joinClauses } from './text.ts';

/** Factor scores, benefit and the harm estimate they add up to. */
export interface Weighing {
  readonly factors: FactorAssessment[];
  readonly benefit: { score: number; rationale: string };
  /** Weighted likelihood that the action goes wrong: probability, consent and the agent's part. */
  readonly likelihood: number;
  /** Weighted size of the harm if it does: severity and breadth, raised by vulnerability. */
  readonly impact: number;
  /** Geometric mean of likelihood and impact, before the benefit is weighed against it. */
  readonly harm: number;
  /** Harm less the weighted benefit, before the heuristics shift it. */
  readonly risk: number;
}

const LIKELIHOOD_FACTORS: readonly FactorId[] = ['probability', 'consent', 'proximity', 'counterfactual', 'responsibility'];
const IMPACT_FACTORS: readonly FactorId[] = ['severity', 'breadth'];

const clamp = (value: number) => Math.min(1, Math.max(0, value));
const round = (value: number) => Math.round(value * 1000) / 1000;

/** The findings that moved one factor, strongest first, and the resulting score. */
function scoreFactor(id: FactorId, observations: readonly Observation[], base: number) {
  const seen = new Set<string>();
  const movers = observations
    .filter((observation) => (observation.effects[id] ?? 0) !== 0)
    .filter((observation) => {
      const key = `${observation.signal}:${observation.detail}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  let score = base;
  for (const observation of movers) {
    const effect = observation.effects[id] ?? 0;
    if (effect > 0) score = 1 - (1 - score) * (1 - effect);
  }
  for (const observation of movers) {
    const effect = observation.effects[id] ?? 0;
    if (effect < 0) score *= 1 + effect;
  }
  const ranked = [...movers].sort((a, b) => Math.abs(b.effects[id] ?? 0) - Math.abs(a.effects[id] ?? 0));
  return { score: round(clamp(score)), ranked };
}

function describeFactor(id: FactorId, score: number, base: number, ranked: readonly Observation[]): string {
  const raised = ranked.filter((observation) => (observation.effects[id] ?? 0) > 0);
  const lowered = ranked.filter((observation) => (observation.effects[id] ?? 0) < 0);
  if (ranked.length === 0) return `No finding bears on ${id}, so it stays at its base of ${base}.`;
  const parts: string[] = [];
  if (raised.length > 0) parts.push(`raised because ${joinClauses(raised.slice(0, 2).map((observation) => observation.detail))}`);
  if (lowered.length > 0) parts.push(`lowered because ${joinClauses(lowered.slice(0, 2).map((observation) => observation.detail))}`);
  return `${id} ${score}, ${parts.join(', and ')}.`;
}

function weightedMean(scores: ReadonlyMap<FactorId, number>, ids: readonly FactorId[], spec: Constitution): number {
  let total = 0;
  let weights = 0;
  for (const id of ids) {
    const weight = spec.factors[id].weight as number;
    total += weight * (scores.get(id) ?? 0);
    weights += weight;
  }
  return weights === 0 ? 0 : total / weights;
}

/** Picks the first `limit` distinct evidence entries, dropping repeats, as when two observations point at the same field. */
function distinctEvidence(entries: readonly Evidence[], limit: number): Evidence[] {
  const seen = new Set<string>();
  const picked: Evidence[] = [];
  for (const entry of entries) {
    if (picked.length === limit) break;
    // NUL separates the parts, and \x01 stands for a part that is absent.
    const key = `${entry.path}\0${entry.source ?? '\x01'}\0${entry.raw}\0${entry.normalized ?? '\x01'}`;
    if (seen.has(key)) continue;
    seen.add(key);
    picked.push(entry);
  }
  return picked;
}

/**
 * Maps the observations to the eight factor scores and a benefit score, then to risk. Positive
 * effects combine like independent causes (1 - product of 1 - effect); negative effects then
 * scale the score down. Risk is the geometric mean of likelihood and impact less the weighted
 * benefit, so an action must be both likely to go wrong and harmful to score high.
 */
export function weigh(observations: readonly Observation[], spec: Constitution): Weighing {
  const config = spec.rubric;
  const scores = new Map<FactorId, number>();
  const factors = FACTOR_IDS.map((id): FactorAssessment => {
    const base = config.factor_base[id] ?? 0;
    const { score, ranked } = scoreFactor(id, observations, base);
    scores.set(id, score);
    const evidence = distinctEvidence(ranked.flatMap((observation) => observation.evidence), 4);
    return { id, score, rationale: describeFactor(id, score, base, ranked), evidence };
  });

  const likelihood = weightedMean(scores, LIKELIHOOD_FACTORS, spec);
  const vulnerabilityWeight = (spec.factors.vulnerability.weight as number) / 10;
  const baseImpact = weightedMean(scores, IMPACT_FACTORS, spec);
  const impact = 1 - (1 - baseImpact) * (1 - (scores.get('vulnerability') ?? 0) * vulnerabilityWeight);
  const harm = Math.sqrt(likelihood * impact);

  const benefitMovers = observations.filter((observation) => observation.benefit !== 0);
  const benefitScore = round(clamp(benefitMovers.reduce((sum, observation) => sum + observation.benefit, config.benefit_base)));
  const benefitRationale =
    benefitMovers.length === 0
      ? `No finding bears on the benefit; blocking a routine task still costs ${config.benefit_base}.`
      : `Benefit ${benefitScore}: ${benefitMovers.map((observation) => `${observation.benefit > 0 ? '+' : ''}${observation.benefit} ${observation.detail}`).slice(0, 3).join(' ')}`;

  return {
    factors,
    benefit: { score: benefitScore, rationale: benefitRationale },
    likelihood: round(likelihood),
    impact: round(impact),
    harm: round(harm),
    risk: round(clamp(harm - config.benefit_weight * benefitScore)),
  };
}
