import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliberateOverHttp } from '../graphql/helpers.ts';
import { subscribeToCommits, subscriptionClient, warmUp } from '../helpers/commit-subscription.ts';
import { createTestSchema, type TestSchema } from '../helpers/postgres.ts';
import { requestBody, startTestService, type TestService } from '../helpers/service.ts';

let schema: TestSchema;
let service: TestService;
let baseUrl: string;
let client: Client;

beforeAll(async () => {
  schema = await createTestSchema();
  service = await startTestService({ DATABASE_URL: schema.url });
  baseUrl = await service.app.listen({ host: '127.0.0.1', port: 0 });
  client = subscriptionClient(baseUrl);
});
afterAll(async () => {
  await client?.dispose();
  await service?.stop();
  await schema?.drop();
});

/** Returns the server process ids of the connections that listen on this schema's channel. */
async function listeningBackends(): Promise<number[]> {
  const result = await schema.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE application_name = 'deliberation-guard commit feed' AND query = $1`,
    [`LISTEN "guard_verdicts:${schema.name}"`],
  );
  return result.rows.map((row) => row.pid);
}

describe('live verdict feed on PostgreSQL', () => {
  it('listens again after a terminated connection', { timeout: 60_000 }, async () => {
    const subscription = subscribeToCommits(client);
    await warmUp(subscription, baseUrl);
    const [listener] = await listeningBackends();
    expect(listener).toBeDefined();

    await schema.query('SELECT pg_terminate_backend($1)', [listener]);
    // The feed waits a second before it listens again; poll until another backend listens.
    const others = async () => (await listeningBackends()).filter((pid) => pid !== listener);
    await expect.poll(others, { timeout: 20_000, interval: 200 }).toHaveLength(1);

    const after = await deliberateOverHttp(baseUrl, requestBody('git status', 'Show me the repo state'));
    await subscription.until(() => subscription.ids.includes(after.id), 10_000);
    expect(subscription.ids).toContain(after.id);
    expect(subscription.errors).toEqual([]);
    expect(service.logLines.some((line) => line.includes('verdict commit feed: the PostgreSQL connection'))).toBe(true);
  });
});
