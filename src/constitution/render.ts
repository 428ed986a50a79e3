import type { Constitution } from './schema.ts';

/** Renders a constitution as the plain text an LLM judge or a training example receives. */
export function renderConstitution(spec: Constitution): string {
  const principles = spec.principles.map((principle, index) => `${index + 1}. ${principle.id}: ${principle.text}`);
  const heuristics = Object.entries(spec.heuristics).map(([id, heuristic]) => `- ${id}: ${heuristic.question}`);
  const factors = Object.entries(spec.factors).map(([id, factor]) => `- ${id} (weight ${factor.weight}): ${factor.question}`);
  return [
    `Constitution ${spec.id} ${spec.version}: ${spec.title}`,
    spec.description.trim(),
    '',
    'Principles, highest priority first:',
    ...principles,
    '',
    'Heuristics that check a judgement from outside:',
    ...heuristics,
    '',
    'Factors, each scored from 0 (no concern) to 1 (highest concern):',
    ...factors,
    '',
    `Decision: allow when risk is below ${spec.thresholds.allow_below}, deny at ${spec.thresholds.deny_at} or above, ` +
      `and escalate to a human in between or when confidence is below ${spec.thresholds.min_confidence}.`,
  ].join('\n');
}
