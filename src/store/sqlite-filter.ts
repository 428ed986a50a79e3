import { filterConditions, whereSql } from './filter-sql.ts';
import type { VerdictFilter } from './store.ts';

/** Named parameters of a SQLite statement; null binds SQL NULL. */
export type SqliteParams = Record<string, string | number | null>;

/** Builds the WHERE clause for a filter with named parameters @p0, @p1, …; values never enter the SQL text. */
export function whereClause(filter: VerdictFilter, extra: string[] = []): { sql: string; params: SqliteParams } {
  const params: SqliteParams = {};
  const bind = (value: string | number): string => {
    const name = `p${Object.keys(params).length}`;
    params[name] = value;
    return `@${name}`;
  };
  return { sql: whereSql([...extra, ...filterConditions(filter, bind)]), params };
}
