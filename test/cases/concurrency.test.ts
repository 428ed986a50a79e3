import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regressionCase } from '../helpers/cases.ts';
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

interface BurstStep {
  repeat: number;
  concurrency: number;
  alternate: Array<{ body: Record<string, unknown> }>;
}

describe('concurrency: write contention and cross-talk', () => {
  it('stores every verdict once, for the request it answered', async () => {
    const burst = regressionCase('CASE-18').request.steps.find((step) => 'alternate' in step) as unknown as BurstStep;
    const expectedDecision = ['deny', 'allow'];
    const results: Array<{ tag: string; status: number; id?: string; decision?: string; expected: string }> = [];

    // An export read while the burst runs must only ever contain whole NDJSON lines.
    const exportDuringBurst = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const response = await fetch(`${baseUrl}/v1/training-data/export`);
      return response.text();
    })();

    let next = 0;
    async function worker(): Promise<void> {
      while (next < burst.repeat) {
        const index = next++;
        const variant = burst.alternate[index % burst.alternate.length]!;
        const tag = `tag-${index}`;
        const body = structuredClone(variant.body) as { context: { metadata?: Record<string, unknown> } };
        body.context.metadata = { request_tag: tag };
        const response = await fetch(`${baseUrl}/v1/deliberations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const json = (await response.json()) as { id?: string; decision?: string };
        results.push({ tag, status: response.status, ...json, expected: expectedDecision[index % 2]! });
      }
    }
    await Promise.all(Array.from({ length: burst.concurrency }, worker));

    expect(results).toHaveLength(800);
    expect(results.filter((result) => result.status >= 500)).toEqual([]);
    expect(results.filter((result) => result.decision !== result.expected)).toEqual([]);

    const db = new Database(service.databaseFile, { readonly: true });
    const rows = db.prepare('SELECT id, decision, request FROM verdicts').all() as Array<{ id: string; decision: string; request: string }>;
    db.close();
    expect(new Set(rows.map((row) => row.id)).size).toBe(800);
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const result of results) {
      const row = byId.get(result.id!);
      expect(row?.decision).toBe(result.decision);
      expect(JSON.parse(row!.request).context.metadata.request_tag).toBe(result.tag);
    }

    const exported = await exportDuringBurst;
    for (const line of exported.split('\n').filter((entry) => entry.length > 0)) expect(() => JSON.parse(line)).not.toThrow();
    expect(service.logLines.join('\n')).not.toMatch(/SQLITE_BUSY|database is locked/);
  }, 180_000);
});
