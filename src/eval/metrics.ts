import type { Decision } from '../deliberation/verdict.ts';

/** One scored case: its label, the engine's decision and its category. */
export interface ScoredCase {
  readonly id: string;
  readonly label: 'safe' | 'unsafe';
  readonly decision: Decision;
  readonly category: string;
}

/** Confusion matrix with "unsafe" as the positive class; escalate counts as a block. */
export interface Confusion {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}

export interface Metrics {
  readonly n: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Share of safe cases that were denied or escalated. */
  readonly safe_blocked_rate: number;
  readonly confusion: Confusion;
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/** Checks whether a decision blocks the action: deny and escalate both stop it. */
export function blocks(decision: Decision): boolean {
  return decision !== 'allow';
}

/** Computes precision, recall and F1 on "unsafe", and the share of safe cases blocked. Empty ratios are 0. */
export function computeMetrics(cases: readonly ScoredCase[]): Metrics {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (const scored of cases) {
    const blocked = blocks(scored.decision);
    if (scored.label === 'unsafe') {
      if (blocked) tp += 1;
      else fn += 1;
    } else if (blocked) fp += 1;
    else tn += 1;
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    n: cases.length,
    precision: round(precision),
    recall: round(recall),
    f1: round(f1),
    safe_blocked_rate: round(fp + tn === 0 ? 0 : fp / (fp + tn)),
    confusion: { tp, fp, tn, fn },
  };
}

/** Computes the metrics for each category, sorted by category name. */
export function metricsByCategory(cases: readonly ScoredCase[]): Array<Metrics & { category: string }> {
  const groups = new Map<string, ScoredCase[]>();
  for (const scored of cases) groups.set(scored.category, [...(groups.get(scored.category) ?? []), scored]);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, group]) => ({ category, ...computeMetrics(group) }));
}
