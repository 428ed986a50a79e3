import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteWriter } from '../../src/store/sqlite-writer.ts';
import { StoreUnavailableError } from '../../src/store/store.ts';

let dir: string;
let writer: SqliteWriter | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'guard-writer-'));
});
afterEach(async () => {
  await writer?.close();
  writer = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const append = { row: { id: 'vrd_01JABCDEF0123456789ABCDEFG' } };

describe('SqliteWriter', () => {
  it('replaces a thread that failed to open', async () => {
    const path = join(dir, 'verdicts.sqlite');
    // A folder where the file should be makes the thread's connection fail as it opens.
    mkdirSync(path);
    writer = new SqliteWriter(path);
    const failed = writer.commit([append]);
    await expect(failed).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(failed).rejects.toThrow(/writer thread failed: .*(SQLITE_CANTOPEN|unable to open)/);

    // With the folder gone the next write starts a new thread, which opens the file and then
    // fails on the next problem: nothing created the verdicts table.
    rmSync(path, { recursive: true });
    await expect(writer.commit([append])).rejects.toThrow(/writer thread failed: no such table: verdicts/);
  });

  it('rejects writes after close', async () => {
    writer = new SqliteWriter(join(dir, 'verdicts.sqlite'));
    await writer.close();
    await expect(writer.commit([append])).rejects.toThrow(/the store is closed/);
  });
});
