import { ConfigError } from '../config/config.ts';
import { SqliteVerdictStore } from './sqlite-store.ts';
import type { VerdictStore } from './store.ts';

/** Opens the store that DATABASE_URL names: `sqlite:PATH` or a `postgres://` URL. */
export async function openStore(databaseUrl: string): Promise<VerdictStore> {
  if (databaseUrl.startsWith('sqlite:')) return new SqliteVerdictStore(databaseUrl.slice('sqlite:'.length));
  throw new ConfigError(`DATABASE_URL: the PostgreSQL store is not available in this build (got ${new URL(databaseUrl).protocol})`);
}
