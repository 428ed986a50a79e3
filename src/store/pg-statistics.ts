import { MAX_TIMELINE_BUCKETS, type TimeBucket } from './statistics.ts';

/** A parameterised query: SQL text with `$n` placeholders and the values they bind. */
export interface PgQuery {
  readonly text: string;
  readonly values: Array<string | number>;
}

/** Builds the grouping query of `VerdictStore.statistics`. Counts are cast to int because node-postgres returns bigint as text. */
export function groupsQuery(where: string, values: Array<string | number>): PgQuery {
  return {
    text: `SELECT constitution_id AS constitution, engine, tool, decided_by AS tier, decision, COUNT(*)::int AS count
           FROM verdicts ${where} GROUP BY constitution_id, engine, tool, decided_by, decision`,
    values,
  };
}

/** Builds the timeline query of `VerdictStore.statistics`: decision counts per UTC bucket, the latest MAX_TIMELINE_BUCKETS only. */
export function timelineQuery(where: string, values: Array<string | number>, bucket: TimeBucket): PgQuery {
  const bucketParameter = `$${values.length + 1}`;
  const limitParameter = `$${values.length + 2}`;
  return {
    text: `WITH counts AS (
             SELECT date_trunc(${bucketParameter}, created_at AT TIME ZONE 'UTC') AS bucket_start, decision, COUNT(*)::int AS count
             FROM verdicts ${where} GROUP BY bucket_start, decision
           ),
           latest AS (SELECT DISTINCT bucket_start FROM counts ORDER BY bucket_start DESC LIMIT ${limitParameter})
           SELECT to_char(bucket_start, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS start, decision, count
           FROM counts WHERE bucket_start IN (SELECT bucket_start FROM latest)`,
    values: [...values, bucket, MAX_TIMELINE_BUCKETS],
  };
}

/** Builds the factor query of `VerdictStore.factorDistributions`: counts per factor and bin, read from the verdict JSON. */
export function factorBinsQuery(where: string, values: Array<string | number>): PgQuery {
  return {
    text: `WITH scores AS (
             SELECT factor ->> 'id' AS factor, (factor ->> 'score')::float8 AS score
             FROM verdicts CROSS JOIN LATERAL json_array_elements(verdicts.verdict -> 'factors') AS factor ${where}
           )
           SELECT factor, LEAST(floor(score * 10)::int, 9) AS bin, COUNT(*)::int AS count, SUM(score) AS sum, MIN(score) AS min, MAX(score) AS max
           FROM scores GROUP BY factor, bin`,
    values,
  };
}
