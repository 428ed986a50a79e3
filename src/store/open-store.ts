import type { VerdictStore } from './store.ts';

/**
 * Opens the store that DATABASE_URL names: `sqlite:PATH`, or a `postgres://` (or `postgresql://`)
 * URL, which applies pending migrations before it resolves.
 */
export async function openStore(databaseUrl: string): Promise<VerdictStore> {
  // Each driver is imported only when used, so a SQLite process never loads pg, nor PostgreSQL better-sqlite3.
  if (databaseUrl.startsWith('sqlite:')) {
    const { SqliteVerdictStore } = await import('./sqlite-store.ts');
    return new SqliteVerdictStore(databaseUrl.slice('sqlite:'.length));
  }
  const { PgVerdictStore } = await import('./pg-store.ts');
  return PgVerdictStore.open(databaseUrl);
}
