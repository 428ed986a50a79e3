import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burstStep, expectBurstStored, sendBurst, type StoredBurstRow } from '../helpers/burst.ts';
import { expectOneEventPerVerdict, subscribeToCommits, subscriptionClient, warmUp } from '../helpers/commit-subscription.ts';
import { createTestSchema, type TestSchema } from '../helpers/postgres.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

let schema: TestSchema;
let services: TestService[];
let baseUrls: string[];
let client: Client;

beforeAll(async () => {
  schema = await createTestSchema();
  services = await Promise.all([startTestService({ DATABASE_URL: schema.url }), startTestService({ DATABASE_URL: schema.url })]);
  baseUrls = await Promise.all(services.map((service) => service.app.listen({ host: '127.0.0.1', port: 0 })));
  client = subscriptionClient(baseUrls[0]!);
});
afterAll(async () => {
  await client?.dispose();
  await Promise.all((services ?? []).map((service) => service.stop()));
  await schema?.drop();
});

describe('concurrency on PostgreSQL with two instances', () => {
  // 800 deliberations over HTTP can take longer than the default 30 s test timeout on a busy machine.
  it('stores every verdict once, for the request it answered', { timeout: 180_000 }, async () => {
    const burst = burstStep();
    // The subscription is on the first instance only, and the burst goes to both.
    const subscription = subscribeToCommits(client);
    const warmUpIds = await warmUp(subscription, baseUrls[0]!);
    const burstEvents = () => subscription.ids.filter((id) => !warmUpIds.has(id));

    const results = await sendBurst(burst, baseUrls);

    const rows = await schema.query<StoredBurstRow>('SELECT id, decision, request FROM verdicts');
    expectBurstStored(burst, results, rows.rows.filter((row) => !warmUpIds.has(row.id)));
    for (const service of services) expect(service.logLines.filter((line) => line.includes('"level":50'))).toEqual([]);

    // One event per committed verdict, whichever instance committed it.
    await expectOneEventPerVerdict(subscription, burstEvents, results.map((result) => result.id));
  });
});
