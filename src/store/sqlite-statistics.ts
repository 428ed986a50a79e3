import type Database from 'better-sqlite3';
import { whereClause } from './sqlite-filter.ts';
import { MAX_TIMELINE_BUCKETS, type FactorBinRow, type StatisticsRows, type TimeBucket } from './statistics.ts';
import type { VerdictFilter } from './store.ts';

/**
 * Prefix length and completing suffix per bucket. Cutting an ISO 8601 UTC timestamp
 * (`2026-12-04T20:15:07.123Z`) to the prefix and adding the suffix gives the bucket start.
 */
const BUCKET_PREFIX: Record<TimeBucket, { length: number; suffix: string }> = {
  minute: { length: 16, suffix: ':00.000Z' },
  hour: { length: 13, suffix: ':00:00.000Z' },
  day: { length: 10, suffix: 'T00:00:00.000Z' },
};

/** Runs the grouping queries of `VerdictStore.statistics` on SQLite. */
export function sqliteStatisticsRows(db: Database.Database, filter: VerdictFilter, bucket: TimeBucket): StatisticsRows {
  const where = whereClause(filter);

  const groups = db
    .prepare(
      `SELECT constitution_id AS constitution, engine, tool, decided_by AS tier, decision, COUNT(*) AS count
       FROM verdicts ${where.sql} GROUP BY constitution_id, engine, tool, decided_by, decision`,
    )
    .all(where.params) as StatisticsRows['groups'];

  const prefix = BUCKET_PREFIX[bucket];
  const timeline = db
    .prepare(
      `WITH counts AS (
         SELECT substr(created_at, 1, @length) || @suffix AS start, decision, COUNT(*) AS count
         FROM verdicts ${where.sql} GROUP BY start, decision
       ),
       latest AS (SELECT DISTINCT start FROM counts ORDER BY start DESC LIMIT @max_buckets)
       SELECT start, decision, count FROM counts WHERE start IN (SELECT start FROM latest)`,
    )
    .all({ ...where.params, length: prefix.length, suffix: prefix.suffix, max_buckets: MAX_TIMELINE_BUCKETS }) as StatisticsRows['timeline'];

  return { groups, timeline };
}

/** Runs the factor query of `VerdictStore.factorDistributions` on SQLite; JSON1 reads the scores out of the verdict JSON. */
export function sqliteFactorBins(db: Database.Database, filter: VerdictFilter): FactorBinRow[] {
  const where = whereClause(filter);
  return db
    .prepare(
      `WITH scores AS (
         SELECT factor.value ->> '$.id' AS factor, factor.value ->> '$.score' AS score
         FROM verdicts, json_each(verdicts.verdict, '$.factors') AS factor ${where.sql}
       )
       SELECT factor, MIN(CAST(score * 10 AS INTEGER), 9) AS bin, COUNT(*) AS count, SUM(score) AS sum, MIN(score) AS min, MAX(score) AS max
       FROM scores GROUP BY factor, bin`,
    )
    .all(where.params) as FactorBinRow[];
}
