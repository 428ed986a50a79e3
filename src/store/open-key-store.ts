import { ConfigError } from '../config/config.ts';
import type { KeyStore } from './key-store.ts';
import { SqliteKeyStore } from './sqlite-key-store.ts';

/**
 * Opens the API key store: GUARD_KEYS_DATABASE_URL when set, else the verdict database.
 * NOTE: only SQLite holds keys so far; replicas on PostgreSQL must point
 * GUARD_KEYS_DATABASE_URL at a SQLite file each of them can read.
 */
export function openKeyStore(config: { DATABASE_URL: string; GUARD_KEYS_DATABASE_URL?: string | undefined }): KeyStore {
  const url = config.GUARD_KEYS_DATABASE_URL ?? config.DATABASE_URL;
  if (url.startsWith('sqlite:')) return new SqliteKeyStore(url.slice('sqlite:'.length));
  throw new ConfigError(
    'GUARD_KEYS_DATABASE_URL: API keys are stored in SQLite only; set it to sqlite:PATH when DATABASE_URL is a PostgreSQL URL',
  );
}
