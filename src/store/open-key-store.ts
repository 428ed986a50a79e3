import type { KeyStore } from './key-store.ts';
import { PgKeyStore } from './pg-key-store.ts';
import { SqliteKeyStore } from './sqlite-key-store.ts';

/**
 * Opens the API key store: GUARD_KEYS_DATABASE_URL when set, else the verdict database, so
 * replicas on one PostgreSQL database share their keys.
 */
export async function openKeyStore(config: { DATABASE_URL: string; GUARD_KEYS_DATABASE_URL?: string | undefined }): Promise<KeyStore> {
  const url = config.GUARD_KEYS_DATABASE_URL ?? config.DATABASE_URL;
  if (url.startsWith('sqlite:')) return new SqliteKeyStore(url.slice('sqlite:'.length));
  return PgKeyStore.open(url);
}
