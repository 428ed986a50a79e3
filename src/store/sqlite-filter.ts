import type { VerdictFilter } from './store.ts';

/** Named parameters of a SQLite statement built from a filter. */
export type SqliteParams = Record<string, string | number>;

/** Builds the WHERE clause for a filter with bound parameters; values never enter the SQL text. */
export function whereClause(filter: VerdictFilter, extra: string[] = []): { sql: string; params: SqliteParams } {
  const conditions = [...extra];
  const params: SqliteParams = {};
  if (filter.decision) {
    conditions.push('decision = @decision');
    params.decision = filter.decision;
  }
  if (filter.constitution) {
    conditions.push('constitution_id = @constitution');
    params.constitution = filter.constitution;
  }
  if (filter.engine) {
    conditions.push('engine = @engine');
    params.engine = filter.engine;
  }
  if (filter.tool) {
    conditions.push('tool = @tool');
    params.tool = filter.tool;
  }
  if (filter.risk_min !== undefined) {
    conditions.push('risk >= @risk_min');
    params.risk_min = filter.risk_min;
  }
  if (filter.risk_max !== undefined) {
    conditions.push('risk <= @risk_max');
    params.risk_max = filter.risk_max;
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
