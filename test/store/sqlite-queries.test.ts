import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite-migrations.ts';
import { SqliteVerdictStore } from '../../src/store/sqlite-store.ts';
import { makeRecord } from './contract.ts';
import { describeStoreQueryContract } from './query-contract.ts';

function tempFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'guard-store-')), 'verdicts.sqlite');
}

describeStoreQueryContract('SQLite', async () => new SqliteVerdictStore(tempFile()));

describe('SQLite session migration', () => {
  it('fills session_id for verdicts stored before it', async () => {
    const file = tempFile();
    const db = new Database(file);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    for (const migration of SQLITE_MIGRATIONS.filter((candidate) => candidate.version < 3)) {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run(migration.version, new Date().toISOString());
    }
    const record = makeRecord('deny', 'Bash', new Date('2026-12-01T10:00:00Z'));
    const request = { ...record.request, context: { ...record.request.context, session_id: 'old-session' } };
    db.prepare(
      `INSERT INTO verdicts (id, created_at, decision, constitution_id, constitution_version, engine, decided_by, tool, risk, training_eligible, verdict, request)
       VALUES (?, ?, 'deny', 'default', '1.0.0', 'rubric', 'rubric', 'Bash', 0.9, 1, ?, ?)`,
    ).run(record.verdict.id, record.verdict.created_at, JSON.stringify(record.verdict), JSON.stringify(request));
    db.close();

    const store = new SqliteVerdictStore(file);
    const sessions = await store.listBySession(['old-session'], 5);
    expect(sessions.get('old-session')?.map((stored) => stored.verdict.id)).toEqual([record.verdict.id]);
    await store.close();
  });
});
