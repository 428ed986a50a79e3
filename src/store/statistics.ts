import { z } from 'zod';
import { DECISIONS, FACTOR_IDS, FactorIdSchema, type Decision, type FactorId } from '../deliberation/verdict.ts';

/** UTC time buckets of the decision timeline. */
export const TIME_BUCKETS = ['minute', 'hour', 'day'] as const;
export const TimeBucketSchema = z.enum(TIME_BUCKETS);
export type TimeBucket = z.infer<typeof TimeBucketSchema>;

/** Histogram bins per factor: [0, 0.1), [0.1, 0.2), … [0.9, 1.0], so a score of 1 falls in the last bin. */
export const FACTOR_HISTOGRAM_BINS = 10;

/** The timeline keeps the latest buckets only, so a minute bucket over months stays bounded. */
export const MAX_TIMELINE_BUCKETS = 1000;

/** Largest number of keys a breakdown may keep. */
export const MAX_BREAKDOWN_KEYS = 100;

export const StatisticsOptionsSchema = z.object({
  bucket: TimeBucketSchema.default('hour'),
  top: z.number().int().min(1).max(MAX_BREAKDOWN_KEYS).default(20).describe('Keys kept per breakdown, largest counts first'),
});
export type StatisticsOptions = z.infer<typeof StatisticsOptionsSchema>;

const count = z.number().int().min(0);

export const DecisionCountsSchema = z.object({ allow: count, deny: count, escalate: count });
export type DecisionCounts = z.infer<typeof DecisionCountsSchema>;

export const ShareSchema = z.object({
  key: z.string(),
  count,
  share: z.number().min(0).max(1).describe('count divided by the total of matching verdicts'),
});

export const BreakdownSchema = ShareSchema.extend({ decisions: DecisionCountsSchema });
export type Breakdown = z.infer<typeof BreakdownSchema>;

export const TimelineBucketSchema = z.object({
  start: z.iso.datetime().describe('Start of the UTC bucket'),
  total: count,
  decisions: DecisionCountsSchema,
});

export const FactorDistributionSchema = z.object({
  id: FactorIdSchema,
  count,
  mean: z.number().nullable().describe('Null when no verdict matched'),
  min: z.number().nullable(),
  max: z.number().nullable(),
  histogram: z.array(count).length(FACTOR_HISTOGRAM_BINS),
});

export const VerdictStatisticsSchema = z.object({
  total: count,
  by_decision: z.array(ShareSchema).describe('Always the three decisions, in contract order'),
  by_constitution: z.array(BreakdownSchema),
  by_engine: z.array(BreakdownSchema).describe('By the engine the request asked for'),
  by_tool: z.array(BreakdownSchema),
  by_tier: z
    .array(BreakdownSchema)
    .describe('By what decided (verdict.engine.decided_by): rubric, an LLM engine, or fail_mode'),
  bucket: TimeBucketSchema,
  timeline: z.array(TimelineBucketSchema).describe(`Oldest first, at most the latest ${MAX_TIMELINE_BUCKETS} buckets`),
});
export type VerdictStatistics = z.infer<typeof VerdictStatisticsSchema>;

export type FactorDistribution = z.infer<typeof FactorDistributionSchema>;

type BreakdownDimension = 'constitution' | 'engine' | 'tool' | 'tier';

/** Rows of a store's two grouping queries, which `buildStatistics` turns into the result. */
export interface StatisticsRows {
  /** Verdict counts per distinct combination of the breakdown columns and the decision. */
  readonly groups: ReadonlyArray<Record<BreakdownDimension, string> & { decision: Decision; count: number }>;
  /** `start` is the ISO 8601 start of the UTC bucket; only the latest MAX_TIMELINE_BUCKETS buckets. */
  readonly timeline: ReadonlyArray<{ start: string; decision: Decision; count: number }>;
}

/** Row of a store's factor query: one per factor and histogram bin that has scores. */
export type FactorBinRow = {
  factor: FactorId;
  /** min(floor(score * 10), 9) */
  bin: number;
  count: number;
  /** Sum, minimum and maximum of the scores in the bin. */
  sum: number;
  min: number;
  max: number;
};

function emptyDecisionCounts(): DecisionCounts {
  return { allow: 0, deny: 0, escalate: 0 };
}

function share(part: number, total: number): number {
  return total === 0 ? 0 : part / total;
}

function breakdowns(rows: StatisticsRows['groups'], dimension: BreakdownDimension, total: number, top: number): Breakdown[] {
  const byKey = new Map<string, DecisionCounts>();
  for (const row of rows) {
    const decisions = byKey.get(row[dimension]) ?? emptyDecisionCounts();
    decisions[row.decision] += row.count;
    byKey.set(row[dimension], decisions);
  }
  return [...byKey]
    .map(([key, decisions]) => {
      const keyCount = decisions.allow + decisions.deny + decisions.escalate;
      return { key, count: keyCount, share: share(keyCount, total), decisions };
    })
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key))
    .slice(0, top);
}

function timeline(rows: StatisticsRows['timeline']): VerdictStatistics['timeline'] {
  const byStart = new Map<string, DecisionCounts>();
  for (const row of rows) {
    const decisions = byStart.get(row.start) ?? emptyDecisionCounts();
    decisions[row.decision] += row.count;
    byStart.set(row.start, decisions);
  }
  return [...byStart]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([start, decisions]) => ({ start, total: decisions.allow + decisions.deny + decisions.escalate, decisions }));
}

/** Turns the factor query rows of any store into the eight distributions, in contract order. */
export function buildFactorDistributions(rows: readonly FactorBinRow[]): FactorDistribution[] {
  return FACTOR_IDS.map((id) => {
    const bins = rows.filter((row) => row.factor === id);
    const histogram = Array.from({ length: FACTOR_HISTOGRAM_BINS }, () => 0);
    let factorCount = 0;
    let sum = 0;
    for (const row of bins) {
      histogram[row.bin] = (histogram[row.bin] ?? 0) + row.count;
      factorCount += row.count;
      sum += row.sum;
    }
    const empty = factorCount === 0;
    return {
      id,
      count: factorCount,
      mean: empty ? null : sum / factorCount,
      min: empty ? null : Math.min(...bins.map((row) => row.min)),
      max: empty ? null : Math.max(...bins.map((row) => row.max)),
      histogram,
    };
  });
}

/** Turns the grouped rows of any store into the statistics result. */
export function buildStatistics(rows: StatisticsRows, options: StatisticsOptions): VerdictStatistics {
  const decisions = emptyDecisionCounts();
  for (const row of rows.groups) decisions[row.decision] += row.count;
  const total = decisions.allow + decisions.deny + decisions.escalate;

  return {
    total,
    by_decision: DECISIONS.map((decision) => ({ key: decision, count: decisions[decision], share: share(decisions[decision], total) })),
    by_constitution: breakdowns(rows.groups, 'constitution', total, options.top),
    by_engine: breakdowns(rows.groups, 'engine', total, options.top),
    by_tool: breakdowns(rows.groups, 'tool', total, options.top),
    by_tier: breakdowns(rows.groups, 'tier', total, options.top),
    bucket: options.bucket,
    timeline: timeline(rows.timeline),
  };
}
