import Database from 'better-sqlite3';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burstStep, expectBurstStored, sendBurst, type StoredBurstRow } from '../helpers/burst.ts';
import { expectOneEventPerVerdict, SUBSCRIPTION_DRAIN_MS, subscribeToCommits, subscriptionClient, warmUp } from '../helpers/commit-subscription.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

let service: TestService;
let baseUrl: string;
let client: Client;

beforeAll(async () => {
  service = await startTestService();
  baseUrl = await service.app.listen({ host: '127.0.0.1', port: 0 });
  client = subscriptionClient(baseUrl);
});
afterAll(async () => {
  await client?.dispose();
  await service.stop();
});

describe('concurrency: write contention and cross-talk', () => {
  // 800 deliberations over HTTP can take longer than the default 30 s test timeout on a busy machine.
  it('stores every verdict once, for the request it answered', { timeout: 180_000 }, async () => {
    const burst = burstStep();
    const subscription = subscribeToCommits(client);
    const warmUpIds = await warmUp(subscription, baseUrl);
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
    await expectOneEventPerVerdict(subscription, burstEvents, results.map((result) => result.id));

    const exported = await exportDuringBurst;
    expect(exported.status).toBe(200);
    // The burst's two bodies differ only in their tag, so deduplication leaves a few lines, and at least one.
    expect(exported.body.length).toBeGreaterThan(0);
    expect(exported.body.endsWith('\n')).toBe(true);
    for (const line of exported.body.slice(0, -1).split('\n')) expect(() => JSON.parse(line)).not.toThrow();

    expect(service.logLines.join('\n')).not.toMatch(/SQLITE_BUSY|database is locked/);
  });
});
