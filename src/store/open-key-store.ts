import type { KeyStore } from './key-store.ts';

/**
 * Opens the API key store: GUARD_KEYS_DATABASE_URL when set, else the verdict database, so
 * replicas on one PostgreSQL database share their keys.
 */
export async function openKeyStore(config: { DATABASE_URL: string; GUARD_KEYS_DATABASE_URL?: string | undefined }): Promise<KeyStore> {
  const url = config.GUARD_KEYS_DATABASE_URL ?? config.DATABASE_URL;
  // Each driver is imported only when used, as in openStore.
  if (url.startsWith('sqlite:')) {
    const { SqliteKeyStore } = await import('./sqlite-key-store.ts');
    return new SqliteKeyStore(url.slice('sqlite:'.length));
  }
  const { PgKeyStore } = await import('./pg-key-store.ts');
  return PgKeyStore.open(url);
}
