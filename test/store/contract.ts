import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliberationRequest } from '../../src/deliberation/request.ts';
import { createVerdictId } from '../../src/deliberation/verdict-id.ts';
import { FACTOR_IDS, type Decision, type Verdict } from '../../src/deliberation/verdict.ts';
import type { StoredVerdict, VerdictStore } from '../../src/store/store.ts';

/** Builds a schema-valid stored verdict without running an engine. */
export function makeRecord(decision: Decision, tool: string, createdAt: Date, constitution = 'default'): StoredVerdict {
  const verdict: Verdict = {
    id: createVerdictId(createdAt.getTime()),
    decision,
    risk: decision === 'allow' ? 0.1 : 0.9,
    confidence: 0.8,
    factors: FACTOR_IDS.map((id) => ({ id, score: 0.5, rationale: `${id} rationale`, evidence: [] })),
    benefits: { score: 0.5, rationale: 'benefit' },
    heuristics: [],
    constraints: [],
    findings: [],
    trace: [{ step: 'decision', text: decision }],
    engine: { id: 'rubric', decided_by: 'rubric', latency_ms: 1, retries: 0 },
    constitution: { id: constitution, version: '1.0.0', sha256: '0'.repeat(64) },
    training: { eligible: true },
    created_at: createdAt.toISOString(),
  };
  const request: DeliberationRequest = {
    constitution,
    action: { tool, input: { command: 'ls' } },
    context: { user_request: 'list', history: [] },
    training_opt_out: false,
  };
  return { verdict, request };
}

/** The behaviour every VerdictStore must show; run once per implementation. */
export function describeStoreContract(name: string, open: () => Promise<VerdictStore>): void {
  describe(`${name} store contract`, () => {
    let store: VerdictStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('reads back what it appended, unchanged', async () => {
      const record = makeRecord('deny', 'Bash', new Date('2026-12-01T10:00:00Z'));
      await store.append(record);
      expect(await store.get(record.verdict.id)).toEqual(record);
      expect(await store.get('vrd_01AAAAAAAAAAAAAAAAAAAAAAAA')).toBeUndefined();
    });

    it('rejects a duplicate id', async () => {
      const record = makeRecord('allow', 'Bash', new Date('2026-12-01T10:00:00Z'));
      await store.append(record);
      await expect(store.append(record)).rejects.toThrow();
    });

    it('lists newest first with filters and a cursor', async () => {
      const records = [
        makeRecord('allow', 'Bash', new Date('2026-12-01T10:00:00Z')),
        makeRecord('deny', 'Bash', new Date('2026-12-02T10:00:00Z')),
        makeRecord('deny', 'Write', new Date('2026-12-03T10:00:00Z'), 'payments'),
        makeRecord('escalate', 'Bash', new Date('2026-12-04T10:00:00Z')),
      ];
      for (const record of records) await store.append(record);
      const ids = records.map((record) => record.verdict.id);

      const first = await store.list({}, { limit: 3 });
      expect(first.items.map((item) => item.verdict.id)).toEqual([ids[3], ids[2], ids[1]]);
      const second = await store.list({}, { limit: 3, cursor: first.nextCursor! });
      expect(second.items.map((item) => item.verdict.id)).toEqual([ids[0]]);
      expect(second.nextCursor).toBeUndefined();

      expect((await store.list({ decision: 'deny' }, { limit: 10 })).items).toHaveLength(2);
      expect((await store.list({ tool: 'Write' }, { limit: 10 })).items).toHaveLength(1);
      expect((await store.list({ constitution: 'payments' }, { limit: 10 })).items).toHaveLength(1);
      const window = await store.list(
        { since: '2026-12-02T00:00:00Z', until: '2026-12-04T00:00:00Z' },
        { limit: 10 },
      );
      expect(window.items.map((item) => item.verdict.id)).toEqual([ids[2], ids[1]]);
    });

    it('scans oldest first across page boundaries', async () => {
      const start = Date.parse('2026-12-01T00:00:00Z');
      const records = Array.from({ length: 1203 }, (_, index) =>
        makeRecord(index % 2 === 0 ? 'allow' : 'deny', 'Bash', new Date(start + index * 1000)),
      );
      for (const record of records) await store.append(record);
      const scanned: string[] = [];
      for await (const record of store.scan({})) scanned.push(record.verdict.id);
      expect(scanned).toEqual(records.map((record) => record.verdict.id));

      let denied = 0;
      for await (const record of store.scan({ decision: 'deny' })) {
        expect(record.verdict.decision).toBe('deny');
        denied += 1;
      }
      expect(denied).toBe(601);
    });

    it('answers ping while usable', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
