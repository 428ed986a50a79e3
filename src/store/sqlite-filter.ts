import type { VerdictFilter } from './store.ts';

/** Named parameters of a SQLite statement built from a filter. */
export type SqliteParams = Record<string, string | number>;

/** Filter fields that compare a column with a bound value, and the SQL of each comparison. */
const COMPARISONS = {
  decision: 'decision = @decision',
  constitution: 'constitution_id = @constitution',
  engine: 'engine = @engine',
  tool: 'tool = @tool',
  risk_min: 'risk >= @risk_min',
  risk_max: 'risk <= @risk_max',
} as const satisfies Partial<Record<keyof VerdictFilter, string>>;

/** Builds the WHERE clause for a filter with bound parameters; values never enter the SQL text. */
export function whereClause(filter: VerdictFilter, extra: string[] = []): { sql: string; params: SqliteParams } {
  const conditions = [...extra];
  const params: SqliteParams = {};
  for (const [field, condition] of Object.entries(COMPARISONS) as Array<[keyof typeof COMPARISONS, string]>) {
    const value = filter[field];
    if (value === undefined) continue;
    conditions.push(condition);
    params[field] = value;
  }

  if (filter.since) {
    conditions.push('created_at >= @since');
    params.since = new Date(filter.since).toISOString();
  }
  if (filter.reviewed !== undefined) conditions.push(filter.reviewed ? 'reviewed_at IS NOT NULL' : 'reviewed_at IS NULL');
  if (filter.until) {
    conditions.push('created_at < @until');
    params.until = new Date(filter.until).toISOString();
  }
  return { sql: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', params };
}
