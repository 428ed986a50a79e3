import Database from 'better-sqlite3';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { burstStep, expectBurstStored, sendBurst, type StoredBurstRow } from '../helpers/burst.ts';
import { deliberateOverHttp } from '../graphql/helpers.ts';
import { requestBody, startTestService, type TestService } from '../helpers/service.ts';

let service: TestService;
let baseUrl: string;
let client: Client;

beforeAll(async () => {
  service = await startTestService();
  baseUrl = await service.app.listen({ host: '127.0.0.1', port: 0 });
  client = createClient({ url: `${baseUrl.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
});
afterAll(async () => {
  await client?.dispose();
  await service.stop();
});

/** Upper bound for the subscription to catch up after the last response; a bound, not a timing assert. */
const SUBSCRIPTION_DRAIN_MS = 30_000;

/** Collects every `verdict_committed` event of one subscription, with the errors it reports. */
function subscribeToCommits(client: Client) {
  const ids: string[] = [];
  const errors: unknown[] = [];
  const waiters: Array<{ condition: () => boolean; resolve: () => void }> = [];
  const settle = () => {
    for (const waiter of waiters.filter((entry) => entry.condition())) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  const unsubscribe = client.subscribe<{ verdict_committed: { id: string } }>(
    { query: 'subscription { verdict_committed { id } }' },
    {
      next: (event) => {
        if (event.errors) errors.push(...event.errors);
        if (event.data) ids.push(event.data.verdict_committed.id);
        settle();
      },
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  return {
    ids,
    errors,
    unsubscribe,
    /** Resolves once `condition` is true after an event, or after `timeoutMs` in any case. */
    async until(condition: () => boolean, timeoutMs: number): Promise<void> {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        waiters.push({
          condition,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        settle();
      });
    },
  };
}

/**
 * Posts deliberations until the subscription delivers one of them, and returns their ids.
 * graphql-transport-ws acknowledges no subscribe message, so a delivered event is the only
 * sign that the server has registered the subscription. Verdicts committed before then never reach it.
 */
async function warmUp(subscription: ReturnType<typeof subscribeToCommits>): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let attempt = 0; attempt < 50 && subscription.ids.length === 0; attempt += 1) {
    ids.add((await deliberateOverHttp(baseUrl, requestBody('git status', 'Show me the repo state'))).id);
    await subscription.until(() => subscription.ids.length > 0, 200);
  }
  expect(subscription.ids.length).toBeGreaterThan(0);
  return ids;
}

describe('concurrency: write contention and cross-talk', () => {
  // 800 deliberations over HTTP can take longer than the default 30 s test timeout on a busy machine.
  it('stores every verdict once, for the request it answered', { timeout: 180_000 }, async () => {
    const burst = burstStep();
    const subscription = subscribeToCommits(client);
    const warmUpIds = await warmUp(subscription);
    const burstEvents = () => subscription.ids.filter((id) => !warmUpIds.has(id));

    // An export read while the burst runs must only ever contain whole NDJSON lines. It starts
    // once half of the burst is committed, so it reads a store that is still being written.
    const exportDuringBurst = (async () => {
      await subscription.until(() => burstEvents().length >= burst.repeat / 2, SUBSCRIPTION_DRAIN_MS);
      const response = await fetch(`${baseUrl}/v1/training-data/export?include_rubric=true`);
      return { status: response.status, body: await response.text() };
    })();

    const results = await sendBurst(burst, [baseUrl]);

    const db = new Database(service.databaseFile, { readonly: true });
    const rows = db.prepare('SELECT id, decision, request FROM verdicts').all() as StoredBurstRow[];
    db.close();
    const burstRows = rows.filter((row) => !warmUpIds.has(row.id));
    expectBurstStored(burst, results, burstRows);

    // One event per committed verdict, each for a verdict a burst response returned.
    await subscription.until(() => burstEvents().length >= burst.repeat, SUBSCRIPTION_DRAIN_MS);
    subscription.unsubscribe();
    const events = burstEvents();
    expect(subscription.errors).toEqual([]);
    expect(events).toHaveLength(burst.repeat);
    expect(new Set(events).size).toBe(burst.repeat);
    expect([...events].sort()).toEqual(results.map((result) => result.id).sort());

    const exported = await exportDuringBurst;
    expect(exported.status).toBe(200);
    // The burst's two bodies differ only in their tag, so deduplication leaves a few lines, and at least one.
    expect(exported.body.length).toBeGreaterThan(0);
    expect(exported.body.endsWith('\n')).toBe(true);
    for (const line of exported.body.slice(0, -1).split('\n')) expect(() => JSON.parse(line)).not.toThrow();

    expect(service.logLines.join('\n')).not.toMatch(/SQLITE_BUSY|database is locked/);
  });
});
