import type { VerdictFilter } from './store.ts';

/**
 * Turns a verdict filter into SQL conditions over the columns both stores share. `bind`
 * records a value as a bound parameter and returns its placeholder, so no value ever
 * enters the SQL text.
 */
export function filterConditions(filter: VerdictFilter, bind: (value: string) => string): string[] {
  const conditions: string[] = [];
  if (filter.decision) conditions.push(`decision = ${bind(filter.decision)}`);
  if (filter.constitution) conditions.push(`constitution_id = ${bind(filter.constitution)}`);
  if (filter.tool) conditions.push(`tool = ${bind(filter.tool)}`);
  if (filter.since) conditions.push(`created_at >= ${bind(new Date(filter.since).toISOString())}`);
  if (filter.until) conditions.push(`created_at < ${bind(new Date(filter.until).toISOString())}`);
  if (filter.reviewed !== undefined) conditions.push(filter.reviewed ? 'reviewed_at IS NOT NULL' : 'reviewed_at IS NULL');
  return conditions;
}

/** Joins conditions into a WHERE clause, or returns an empty string when there are none. */
export function whereSql(conditions: string[]): string {
  return conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
}
