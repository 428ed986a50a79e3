import type Database from 'better-sqlite3';
import { whereClause } from './sqlite-filter.ts';
import { MAX_TIMELINE_BUCKETS, type StatisticsRows, type TimeBucket } from './statistics.ts';
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

/** Runs the grouping queries of `VerdictStore.statistics` on SQLite; JSON1 reads the factor scores. */
export function sqliteStatisticsRows(db: Database.Database, filter: VerdictFilter, bucket: TimeBucket): StatisticsRows {
  const where = whereClause(filter);
  const matched = `matched AS (SELECT * FROM verdicts ${where.sql})`;

  const groups = db
    .prepare(
      `WITH ${matched}
       SELECT 'constitution' AS dimension, constitution_id AS key, decision, COUNT(*) AS count FROM matched GROUP BY key, decision
       UNION ALL SELECT 'engine', engine, decision, COUNT(*) FROM matched GROUP BY engine, decision
       UNION ALL SELECT 'tool', tool, decision, COUNT(*) FROM matched GROUP BY tool, decision
       UNION ALL SELECT 'tier', decided_by, decision, COUNT(*) FROM matched GROUP BY decided_by, decision`,
    )
    .all(where.params) as StatisticsRows['groups'];

  const prefix = BUCKET_PREFIX[bucket];
  const timeline = db
    .prepare(
      `WITH ${matched},
       counts AS (SELECT substr(created_at, 1, @length) || @suffix AS start, decision, COUNT(*) AS count FROM matched GROUP BY start, decision),
       latest AS (SELECT DISTINCT start FROM counts ORDER BY start DESC LIMIT @max_buckets)
       SELECT start, decision, count FROM counts WHERE start IN (SELECT start FROM latest)`,
    )
    .all({ ...where.params, length: prefix.length, suffix: prefix.suffix, max_buckets: MAX_TIMELINE_BUCKETS }) as StatisticsRows['timeline'];

  const factorBins = db
    .prepare(
      `WITH ${matched},
       scores AS (
         SELECT json_extract(factor.value, '$.id') AS factor, json_extract(factor.value, '$.score') AS score
         FROM matched, json_each(matched.verdict, '$.factors') AS factor
       )
       SELECT factor, MIN(CAST(score * 10 AS INTEGER), 9) AS bin, COUNT(*) AS count, SUM(score) AS sum, MIN(score) AS min, MAX(score) AS max
       FROM scores GROUP BY factor, bin`,
    )
    .all(where.params) as StatisticsRows['factorBins'];

  return { groups, timeline, factorBins };
}
