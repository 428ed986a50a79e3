import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteVerdictStore } from '../../src/store/sqlite-store.ts';
import { StoreUnavailableError } from '../../src/store/store.ts';
import { describeStoreContract, makeRecord } from './contract.ts';

function tempFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'guard-store-')), 'nested', 'verdicts.sqlite');
}

describeStoreContract('SQLite', async () => new SqliteVerdictStore(tempFile()));

describe('SQLite store', () => {
  it('creates the file in WAL mode and keeps verdicts across reopen', async () => {
    const file = tempFile();
    const store = new SqliteVerdictStore(file);
    const record = makeRecord('deny', 'Bash', new Date());
    await store.append(record);
    await store.close();

    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();

    const reopened = new SqliteVerdictStore(file);
    expect(await reopened.get(record.verdict.id)).toEqual(record);
    await reopened.close();
  });

  it('raises StoreUnavailableError once the connection is gone', async () => {
    const store = new SqliteVerdictStore(tempFile());
    await store.close();
    await expect(store.append(makeRecord('allow', 'Bash', new Date()))).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
