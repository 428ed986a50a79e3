import { PgVerdictStore } from './pg-store.ts';
import { SqliteVerdictStore } from './sqlite-store.ts';
import type { VerdictStore } from './store.ts';

/**
 * Opens the store that DATABASE_URL names: `sqlite:PATH`, or a `postgres://` (or `postgresql://`)
 * URL, which applies pending migrations before it resolves.
 */
export async function openStore(databaseUrl: string): Promise<VerdictStore> {
  if (databaseUrl.startsWith('sqlite:')) return new SqliteVerdictStore(databaseUrl.slice('sqlite:'.length));
  return PgVerdictStore.open(databaseUrl);
}
