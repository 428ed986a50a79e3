import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FACTOR_IDS, type EngineReport } from '../../src/deliberation/verdict.ts';
import { MAX_TIMELINE_BUCKETS } from '../../src/store/statistics.ts';
import type { StoredVerdict, VerdictStore } from '../../src/store/store.ts';
import { makeRecord } from './contract.ts';

/** Copies a record with another risk, engine report, severity score or agent session. */
function variant(
  base: StoredVerdict,
  change: { risk?: number; engine?: EngineReport; score?: number; session?: string },
): StoredVerdict {
  const verdict = {
    ...base.verdict,
    risk: change.risk ?? base.verdict.risk,
    engine: change.engine ?? base.verdict.engine,
    factors: base.verdict.factors.map((factor) =>
      factor.id === 'severity' && change.score !== undefined ? { ...factor, score: change.score } : factor,
    ),
  };
  const context = change.session ? { ...base.request.context, session_id: change.session } : base.request.context;
  return { verdict, request: { ...base.request, context } };
}

const cascadeLlm: EngineReport = { id: 'cascade', decided_by: 'claude', tier: 'llm', latency_ms: 900, retries: 0 };

/**
 * The filters, statistics and session reads that GraphQL needs from every VerdictStore; run
 * once per implementation next to describeStoreContract.
 */
export function describeStoreQueryContract(name: string, open: () => Promise<VerdictStore>): void {
  describe(`${name} store queries`, () => {
    let store: VerdictStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('filters by engine and risk range', async () => {
      const low = variant(makeRecord('allow', 'Bash', new Date('2026-12-01T10:00:00Z')), { risk: 0.1 });
      const middle = variant(makeRecord('escalate', 'Bash', new Date('2026-12-01T11:00:00Z')), { risk: 0.5, engine: cascadeLlm });
      const high = variant(makeRecord('deny', 'Bash', new Date('2026-12-01T12:00:00Z')), { risk: 0.9 });
      for (const record of [low, middle, high]) await store.append(record);
      const ids = async (filter: Parameters<VerdictStore['list']>[0]) =>
        (await store.list(filter, { limit: 10 })).items.map((item) => item.verdict.id);

      expect(await ids({ engine: 'cascade' })).toEqual([middle.verdict.id]);
      expect(await ids({ engine: 'rubric' })).toEqual([high.verdict.id, low.verdict.id]);
      expect(await ids({ risk_min: 0.5 })).toEqual([high.verdict.id, middle.verdict.id]);
      expect(await ids({ risk_max: 0.5 })).toEqual([middle.verdict.id, low.verdict.id]);
      expect(await ids({ risk_min: 0.2, risk_max: 0.8 })).toEqual([middle.verdict.id]);
    });

    it('counts by decision, constitution, engine, tool and tier', async () => {
      await store.append(makeRecord('allow', 'Bash', new Date('2026-12-01T10:00:00Z')));
      await store.append(makeRecord('deny', 'Bash', new Date('2026-12-01T10:30:00Z')));
      await store.append(makeRecord('deny', 'Write', new Date('2026-12-01T11:10:00Z'), 'payments'));
      await store.append(variant(makeRecord('escalate', 'Bash', new Date('2026-12-02T09:00:00Z')), { engine: cascadeLlm }));

      const stats = await store.statistics({}, { bucket: 'hour', top: 20 });
      expect(stats.total).toBe(4);
      expect(stats.by_decision).toEqual([
        { key: 'allow', count: 1, share: 0.25 },
        { key: 'deny', count: 2, share: 0.5 },
        { key: 'escalate', count: 1, share: 0.25 },
      ]);
      expect(stats.by_constitution[0]).toEqual({ key: 'default', count: 3, share: 0.75, decisions: { allow: 1, deny: 1, escalate: 1 } });
      expect(stats.by_constitution[1]?.key).toBe('payments');
      expect(stats.by_engine.map((row) => [row.key, row.count])).toEqual([['rubric', 3], ['cascade', 1]]);
      expect(stats.by_tool.map((row) => [row.key, row.count])).toEqual([['Bash', 3], ['Write', 1]]);
      expect(stats.by_tier).toEqual([
        { key: 'rubric', count: 3, share: 0.75, decisions: { allow: 1, deny: 2, escalate: 0 } },
        { key: 'claude', count: 1, share: 0.25, decisions: { allow: 0, deny: 0, escalate: 1 } },
      ]);

      const filtered = await store.statistics({ tool: 'Bash' }, { bucket: 'hour', top: 1 });
      expect(filtered.total).toBe(3);
      expect(filtered.by_constitution).toHaveLength(1);
    });

    it('buckets decisions by UTC hour and day', async () => {
      await store.append(makeRecord('allow', 'Bash', new Date('2026-12-01T10:00:00Z')));
      await store.append(makeRecord('deny', 'Bash', new Date('2026-12-01T10:59:59.999Z')));
      await store.append(makeRecord('deny', 'Bash', new Date('2026-12-01T11:00:00Z')));
      await store.append(makeRecord('escalate', 'Bash', new Date('2026-12-03T00:00:00Z')));

      const hourly = await store.statistics({}, { bucket: 'hour', top: 20 });
      expect(hourly.bucket).toBe('hour');
      expect(hourly.timeline).toEqual([
        { start: '2026-12-01T10:00:00.000Z', total: 2, decisions: { allow: 1, deny: 1, escalate: 0 } },
        { start: '2026-12-01T11:00:00.000Z', total: 1, decisions: { allow: 0, deny: 1, escalate: 0 } },
        { start: '2026-12-03T00:00:00.000Z', total: 1, decisions: { allow: 0, deny: 0, escalate: 1 } },
      ]);
      const daily = await store.statistics({}, { bucket: 'day', top: 20 });
      expect(daily.timeline.map((bucket) => [bucket.start, bucket.total])).toEqual([
        ['2026-12-01T00:00:00.000Z', 3],
        ['2026-12-03T00:00:00.000Z', 1],
      ]);
    });

    it('keeps only the latest timeline buckets', async () => {
      const start = Date.parse('2026-01-01T00:00:00Z');
      const count = MAX_TIMELINE_BUCKETS + 5;
      for (let minute = 0; minute < count; minute += 1) {
        await store.append(makeRecord('allow', 'Bash', new Date(start + minute * 60_000)));
      }
      const stats = await store.statistics({}, { bucket: 'minute', top: 20 });
      expect(stats.timeline).toHaveLength(MAX_TIMELINE_BUCKETS);
      expect(stats.timeline[0]?.start).toBe(new Date(start + 5 * 60_000).toISOString());
      expect(stats.total).toBe(count);
    });

    it('builds per-factor score histograms', async () => {
      const scores = [0, 0.05, 0.1, 0.55, 1];
      for (const [index, score] of scores.entries()) {
        await store.append(variant(makeRecord('deny', 'Bash', new Date(Date.UTC(2026, 11, 1, 10, index))), { score }));
      }
      const factors = await store.factorDistributions({});
      const severity = factors.find((factor) => factor.id === 'severity');
      expect(severity?.histogram).toEqual([2, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
      expect(severity?.count).toBe(5);
      expect(severity?.mean).toBeCloseTo(0.34, 10);
      expect(severity?.min).toBe(0);
      expect(severity?.max).toBe(1);
      const consent = factors.find((factor) => factor.id === 'consent');
      expect(consent?.histogram[5]).toBe(5);
      expect(factors.map((factor) => factor.id)).toEqual([...FACTOR_IDS]);

      const denied = await store.factorDistributions({ decision: 'deny', until: new Date(Date.UTC(2026, 11, 1, 10, 2)).toISOString() });
      expect(denied.find((factor) => factor.id === 'severity')?.histogram).toEqual([2, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

      const empty = await store.factorDistributions({ tool: 'none' });
      expect(empty[0]).toEqual({ id: 'probability', count: 0, mean: null, min: null, max: null, histogram: Array(10).fill(0) });
    });

    it('reads the newest verdicts of many sessions at once', async () => {
      const start = Date.parse('2026-12-01T10:00:00Z');
      const records = Array.from({ length: 5 }, (_, index) =>
        variant(makeRecord('allow', 'Bash', new Date(start + index * 1000)), { session: index < 4 ? 'session-a' : 'session-b' }),
      );
      await store.append(makeRecord('deny', 'Bash', new Date(start + 9000)));
      for (const record of records) await store.append(record);

      const sessions = await store.listBySession(['session-a', 'session-b', 'session-c'], 3);
      expect(sessions.get('session-a')?.map((record) => record.verdict.id)).toEqual(
        [records[3], records[2], records[1]].map((record) => record?.verdict.id),
      );
      expect(sessions.get('session-b')?.map((record) => record.verdict.id)).toEqual([records[4]?.verdict.id]);
      expect(sessions.has('session-c')).toBe(false);
      expect(sessions.get('session-b')?.[0]).toEqual(records[4]);
      expect((await store.listBySession([], 3)).size).toBe(0);
    });
  });
}
