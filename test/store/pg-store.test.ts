import { createServer } from 'node:net';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PgVerdictStore } from '../../src/store/pg-store.ts';
import { LATEST_MIGRATION } from '../../src/store/pg-migrate.ts';
import { StoreUnavailableError } from '../../src/store/store.ts';
import { createTestSchema, urlWithSettings, type TestSchema } from '../helpers/postgres.ts';
import { describeStoreContract, makeKey, makeRecord } from './contract.ts';

const contractSchemas: TestSchema[] = [];
afterAll(async () => {
  for (const schema of contractSchemas) await schema.drop();
});

describeStoreContract('PostgreSQL', async () => {
  const schema = await createTestSchema();
  contractSchemas.push(schema);
  // Durability is not what the contract checks, and a commit that waits for no flush keeps
  // the 1,203-row scan test at seconds instead of one fsync per row.
  return PgVerdictStore.open(urlWithSettings({ search_path: schema.name, synchronous_commit: 'off' }));
});

/** Finds a loopback port with nothing listening on it, so connecting is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('PostgreSQL store', () => {
  let schema: TestSchema;
  beforeEach(async () => {
    schema = await createTestSchema();
  });
  afterEach(async () => {
    await schema.drop();
  });

  it('migrates once when two instances start at once', async () => {
    const [first, second] = await Promise.all([PgVerdictStore.open(schema.url), PgVerdictStore.open(schema.url)]);
    const versions = await schema.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.rows.map((row) => row.version)).toEqual(Array.from({ length: LATEST_MIGRATION }, (_, index) => index + 1));

    const record = makeRecord('deny', 'Bash', new Date());
    await first.append(record);
    expect(await second.get(record.verdict.id)).toEqual(record);
    await Promise.all([first.close(), second.close()]);
  });

  it('uses timestamptz, json and boolean columns', async () => {
    const store = await PgVerdictStore.open(schema.url);
    await store.close();
    const columns = await schema.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'verdicts'`,
      [schema.name],
    );
    const types = Object.fromEntries(columns.rows.map((row) => [row.column_name, row.data_type]));
    expect(types.created_at).toBe('timestamp with time zone');
    expect(types.verdict).toBe('json');
    expect(types.request).toBe('json');
    expect(types.training_eligible).toBe('boolean');
  });

  it('keeps NUL characters and lone surrogates in tool names', async () => {
    const store = await PgVerdictStore.open(schema.url);
    const tool = 'Bash\u0000\uD800';
    const record = makeRecord('deny', tool, new Date());
    await store.append(record);

    expect(await store.get(record.verdict.id)).toEqual(record);
    const found = await store.list({ tool }, { limit: 10 });
    expect(found.items.map((item) => item.verdict.id)).toEqual([record.verdict.id]);
    await store.close();
  });

  it('binds filter values instead of splicing them into SQL', async () => {
    const store = await PgVerdictStore.open(schema.url);
    await store.append(makeRecord('allow', 'Bash', new Date()));
    const hostile = "Bash' OR '1'='1";
    expect((await store.list({ tool: hostile }, { limit: 10 })).items).toEqual([]);
    expect((await store.list({ constitution: "x'; DROP TABLE verdicts; --" }, { limit: 10 })).items).toEqual([]);
    expect((await store.list({}, { limit: 10 })).items).toHaveLength(1);
    await store.close();
  });

  it('reports a duplicate id as a constraint error', async () => {
    const store = await PgVerdictStore.open(schema.url);
    const record = makeRecord('allow', 'Bash', new Date());
    await store.append(record);
    const failure = await store.append(record).catch((error: unknown) => error);
    expect(failure).not.toBeInstanceOf(StoreUnavailableError);
    expect(failure).toMatchObject({ code: '23505' });
    await store.close();
  });

  it('raises StoreUnavailableError when the server refuses connections', async () => {
    const url = `postgres://postgres@127.0.0.1:${await closedPort()}/test`;
    await expect(PgVerdictStore.open(url)).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('recovers after the server drops its connections', async () => {
    // A name of its own, so terminating these connections cannot touch another test file's.
    const url = `${urlWithSettings({ search_path: schema.name })}&application_name=${schema.name}`;
    const store = await PgVerdictStore.open(url);
    const record = makeRecord('deny', 'Bash', new Date());
    await store.append(record);

    // In the select list, pg_terminate_backend runs only for the rows that pass the WHERE clause.
    const terminated = await schema.query<{ done: boolean }>(
      'SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = $1',
      [schema.name],
    );
    expect(terminated.rows.length).toBeGreaterThan(0);
    expect(terminated.rows.every((row) => row.done)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(await store.get(record.verdict.id)).toEqual(record);
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
  });

  it('raises StoreUnavailableError once the pool is closed', async () => {
    const store = await PgVerdictStore.open(schema.url);
    await store.close();
    await expect(store.append(makeRecord('allow', 'Bash', new Date()))).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.get('vrd_01AAAAAAAAAAAAAAAAAAAAAAAA')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('fails ping on a read-only session but still reads', async () => {
    const writer = await PgVerdictStore.open(schema.url);
    const record = makeRecord('deny', 'Bash', new Date());
    await writer.append(record);
    await writer.close();

    const readOnly = await PgVerdictStore.open(urlWithSettings({ search_path: schema.name, default_transaction_read_only: 'on' }));
    expect(await readOnly.get(record.verdict.id)).toEqual(record);
    await expect(readOnly.ping()).rejects.toThrow(/read-only/);
    await expect(readOnly.append(makeRecord('allow', 'Bash', new Date()))).rejects.toBeInstanceOf(StoreUnavailableError);
    await readOnly.close();
  });

  it('fails ping when the schema lost its migrations', async () => {
    const store = await PgVerdictStore.open(schema.url);
    await expect(store.ping()).resolves.toBeUndefined();

    await schema.query('DELETE FROM schema_migrations');
    await expect(store.ping()).rejects.toThrow(/schema is at migration none/);
    await schema.query('DROP TABLE schema_migrations');
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await store.close();
  });

  it('binds one key once across two instances racing', async () => {
    const [first, second] = await Promise.all([PgVerdictStore.open(schema.url), PgVerdictStore.open(schema.url)]);
    const now = new Date();
    const liveSince = new Date(now.getTime() - 60_000).toISOString();
    const records = Array.from({ length: 8 }, () => makeRecord('deny', 'Bash', now));
    const outcomes = await Promise.all(
      records.map((record, index) => (index % 2 === 0 ? first : second).appendIdempotent(record, makeKey('race', now), liveSince)),
    );
    const winners = records.filter((_, index) => outcomes[index]!.bound);
    expect(winners).toHaveLength(1);
    const rows = await schema.query<{ id: string }>('SELECT id FROM verdicts');
    expect(rows.rows.map((row) => row.id)).toEqual([winners[0]!.verdict.id]);
    const keys = await schema.query<{ verdict_id: string }>('SELECT verdict_id FROM idempotency_keys');
    expect(keys.rows.map((row) => row.verdict_id)).toEqual([winners[0]!.verdict.id]);
    await Promise.all([first.close(), second.close()]);
  });

  it('raises StoreUnavailableError for a keyed append on a closed pool', async () => {
    const store = await PgVerdictStore.open(schema.url);
    await store.close();
    const now = new Date();
    await expect(store.appendIdempotent(makeRecord('allow', 'Bash', now), makeKey('k', now), now.toISOString())).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
  });
});
