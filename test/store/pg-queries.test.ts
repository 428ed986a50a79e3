import { afterAll, describe, expect, it } from 'vitest';
import { PgVerdictStore } from '../../src/store/pg-store.ts';
import { createTestSchema, urlWithSettings, type TestSchema } from '../helpers/postgres.ts';
import { makeRecord } from './contract.ts';
import { describeStoreQueryContract } from './query-contract.ts';

const schemas: TestSchema[] = [];
afterAll(async () => {
  for (const schema of schemas) await schema.drop();
});

async function openInFreshSchema(): Promise<{ store: PgVerdictStore; schema: TestSchema }> {
  const schema = await createTestSchema();
  schemas.push(schema);
  // Durability is not what these tests check; skipping the flush keeps the 1,005-row test fast.
  const store = await PgVerdictStore.open(urlWithSettings({ search_path: schema.name, synchronous_commit: 'off' }));
  return { store, schema };
}

describeStoreQueryContract('PostgreSQL', async () => (await openInFreshSchema()).store);

describe('PostgreSQL session migration', () => {
  it('fills session_id for verdicts stored before it', async () => {
    const { store, schema } = await openInFreshSchema();
    const record = makeRecord('deny', 'Bash', new Date('2026-12-01T10:00:00Z'));
    await store.append(record);
    const request = { ...record.request, context: { ...record.request.context, session_id: 'old-session' } };
    // Rewind to migration 1: the row carries its session only inside the request JSON.
    await schema.query('UPDATE verdicts SET request = $1, session_id = NULL', [JSON.stringify(request)]);
    await schema.query('DROP INDEX verdicts_session, verdicts_engine, verdicts_statistics');
    await schema.query('ALTER TABLE verdicts DROP COLUMN session_id');
    await schema.query('DELETE FROM schema_migrations WHERE version = 2');
    await store.close();

    const reopened = await PgVerdictStore.open(schema.url);
    const sessions = await reopened.listBySession(['old-session'], 5);
    expect(sessions.get('old-session')?.map((stored) => stored.verdict.id)).toEqual([record.verdict.id]);
    await reopened.close();
  });
});
