import { generateApiKey } from '../../src/auth/api-key.ts';
import type { Scope } from '../../src/auth/scopes.ts';
import { SqliteKeyStore } from '../../src/store/sqlite-key-store.ts';

/** Creates an API key in a SQLite file the way `keys create` does and returns the key. */
export async function createKey(databaseFile: string, name: string, scopes: Scope[]): Promise<string> {
  const keys = new SqliteKeyStore(databaseFile);
  const key = generateApiKey();
  await keys.create({ id: key.id, name, scopes, secretHash: key.secretHash, createdAt: new Date().toISOString() });
  await keys.close();
  return key.token;
}
