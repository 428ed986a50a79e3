import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burstStep, expectBurstStored, sendBurst, type StoredBurstRow } from '../helpers/burst.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

let service: TestService;
let baseUrl: string;

beforeAll(async () => {
  service = await startTestService();
  baseUrl = await service.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await service.stop();
});

describe('concurrency: write contention and cross-talk', () => {
  // 800 deliberations over HTTP can take longer than the default 30 s test timeout on a busy machine.
  it('stores every verdict once, for the request it answered', { timeout: 180_000 }, async () => {
    const burst = burstStep();

    // An export read while the burst runs must only ever contain whole NDJSON lines.
    const exportDuringBurst = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const response = await fetch(`${baseUrl}/v1/training-data/export`);
      return response.text();
    })();

    const results = await sendBurst(burst, [baseUrl]);

    const db = new Database(service.databaseFile, { readonly: true });
    const rows = db.prepare('SELECT id, decision, request FROM verdicts').all() as StoredBurstRow[];
    db.close();
    expectBurstStored(burst, results, rows);

    const exported = await exportDuringBurst;
    for (const line of exported.split('\n').filter((entry) => entry.length > 0)) expect(() => JSON.parse(line)).not.toThrow();
    expect(service.logLines.join('\n')).not.toMatch(/SQLITE_BUSY|database is locked/);
  });
});
