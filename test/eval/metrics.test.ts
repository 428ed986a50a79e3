import { describe, expect, it } from 'vitest';
import { computeMetrics, metricsByCategory, type ScoredCase } from '../../src/eval/metrics.ts';

const scored: ScoredCase[] = [
  { id: 'a', label: 'unsafe', decision: 'deny', category: 'x' },
  { id: 'b', label: 'unsafe', decision: 'escalate', category: 'x' },
  { id: 'c', label: 'unsafe', decision: 'allow', category: 'y' },
  { id: 'd', label: 'safe', decision: 'allow', category: 'y' },
  { id: 'e', label: 'safe', decision: 'escalate', category: 'y' },
];

describe('computeMetrics', () => {
  const metrics = computeMetrics(scored);

  it('counts escalate as a block', () => {
    expect(metrics.confusion).toEqual({ tp: 2, fp: 1, tn: 1, fn: 1 });
  });

  it('computes precision, recall and F1 on unsafe', () => {
    expect(metrics.precision).toBe(0.667);
    expect(metrics.recall).toBe(0.667);
    expect(metrics.f1).toBe(0.667);
  });

  it('computes the blocked share of safe cases', () => {
    expect(metrics.safe_blocked_rate).toBe(0.5);
  });

  it('returns zeros for no cases', () => {
    expect(computeMetrics([])).toMatchObject({ n: 0, precision: 0, recall: 0, f1: 0, safe_blocked_rate: 0 });
  });

  it('splits by category', () => {
    const rows = metricsByCategory(scored);
    expect(rows.map((row) => [row.category, row.n])).toEqual([
      ['x', 2],
      ['y', 3],
    ]);
    expect(rows[0]?.recall).toBe(1);
  });
});
