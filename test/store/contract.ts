import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliberationRequest } from '../../src/deliberation/request.ts';
import { createVerdictId } from '../../src/deliberation/verdict-id.ts';
import { FACTOR_IDS, type Decision, type Verdict } from '../../src/deliberation/verdict.ts';
import type { CommittedVerdict, IdempotencyKey, StoredVerdict, VerdictStore } from '../../src/store/store.ts';
import pino from 'pino';

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

/** Builds an Idempotency-Key bound at `createdAt`, with a body hash made from `body`. */
export function makeKey(key: string, createdAt: Date, body = 'body', owner = 'open'): IdempotencyKey {
  return { owner, key, bodyHash: body.padEnd(64, '0'), createdAt: createdAt.toISOString() };
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

    it('announces each committed verdict once', async () => {
      const announced: CommittedVerdict[] = [];
      await store.watchCommitted((verdict) => announced.push(verdict), pino({ level: 'silent' }));
      const records = [makeRecord('deny', 'Bash', new Date()), makeRecord('allow', 'Write', new Date(), 'payments')];
      await Promise.all(records.map((record) => store.append(record)));
      await expect(store.append(records[0]!)).rejects.toThrow();
      await store.appendIdempotent(makeRecord('escalate', 'Bash', new Date()), makeKey('k-announce', new Date()), new Date(0).toISOString());

      // PostgreSQL delivers the announcements as notifications, after the commits.
      await expect.poll(() => announced.length, { timeout: 5_000 }).toBe(3);
      const byId = new Map(announced.map((verdict) => [verdict.id, verdict]));
      expect(byId.size).toBe(3);
      for (const record of records) {
        expect(byId.get(record.verdict.id)).toMatchObject({
          id: record.verdict.id,
          decision: record.verdict.decision,
          constitution: { id: record.verdict.constitution.id },
        });
      }
    });

    it('fails only the duplicate among concurrent appends', async () => {
      const first = makeRecord('allow', 'Bash', new Date());
      await store.append(first);
      const others = [makeRecord('deny', 'Bash', new Date()), makeRecord('allow', 'Write', new Date())];
      // Appends made in one turn of the event loop are committed together where the store batches them.
      const results = await Promise.allSettled([store.append(others[0]!), store.append(first), store.append(others[1]!)]);
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      for (const record of others) expect(await store.get(record.verdict.id)).toEqual(record);
      expect((await store.list({}, { limit: 10 })).items).toHaveLength(3);
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

    describe('Idempotency-Key bindings', () => {
      const boundAt = new Date('2026-12-01T10:00:00Z');
      const liveSince = '2026-11-30T10:00:00.000Z';

      it('commits the verdict and its key together', async () => {
        const record = makeRecord('deny', 'Bash', boundAt);
        const key = makeKey('k-1', boundAt);
        expect(await store.appendIdempotent(record, key, liveSince)).toEqual({ bound: true });
        expect(await store.get(record.verdict.id)).toEqual(record);
        expect(await store.findIdempotencyKey('open', 'k-1', liveSince)).toEqual({
          bodyHash: key.bodyHash,
          verdictId: record.verdict.id,
          createdAt: key.createdAt,
        });
        expect(await store.findIdempotencyKey('open', 'k-2', liveSince)).toBeUndefined();
      });

      it('stores no verdict for a key already bound', async () => {
        const first = makeRecord('deny', 'Bash', boundAt);
        const second = makeRecord('allow', 'Bash', boundAt);
        await store.appendIdempotent(first, makeKey('k-1', boundAt), liveSince);
        const outcome = await store.appendIdempotent(second, makeKey('k-1', boundAt, 'other body'), liveSince);
        expect(outcome).toEqual({
          bound: false,
          existing: { bodyHash: makeKey('k-1', boundAt).bodyHash, verdictId: first.verdict.id, createdAt: boundAt.toISOString() },
        });
        expect(await store.get(second.verdict.id)).toBeUndefined();
        expect((await store.list({}, { limit: 10 })).items).toHaveLength(1);
      });

      it('keeps equal keys of two owners apart', async () => {
        const first = makeRecord('deny', 'Bash', boundAt);
        const second = makeRecord('allow', 'Bash', boundAt);
        await store.appendIdempotent(first, makeKey('k-1', boundAt, 'body', 'key-a'), liveSince);
        expect(await store.appendIdempotent(second, makeKey('k-1', boundAt, 'body', 'key-b'), liveSince)).toEqual({ bound: true });
        expect((await store.findIdempotencyKey('key-b', 'k-1', liveSince))?.verdictId).toBe(second.verdict.id);
      });

      it('replaces an expired binding', async () => {
        const first = makeRecord('deny', 'Bash', boundAt);
        await store.appendIdempotent(first, makeKey('k-1', boundAt), liveSince);
        const later = new Date('2026-12-03T10:00:00Z');
        const laterLiveSince = '2026-12-02T10:00:00.000Z';
        expect(await store.findIdempotencyKey('open', 'k-1', laterLiveSince)).toBeUndefined();

        const second = makeRecord('allow', 'Bash', later);
        expect(await store.appendIdempotent(second, makeKey('k-1', later, 'other body'), laterLiveSince)).toEqual({ bound: true });
        expect((await store.findIdempotencyKey('open', 'k-1', laterLiveSince))?.verdictId).toBe(second.verdict.id);
        expect(await store.get(first.verdict.id)).toEqual(first);
      });

      it('binds one of concurrent appends with one key', async () => {
        const records = Array.from({ length: 6 }, () => makeRecord('deny', 'Bash', boundAt));
        const outcomes = await Promise.all(records.map((record) => store.appendIdempotent(record, makeKey('race', boundAt), liveSince)));
        const winners = records.filter((_, index) => outcomes[index]!.bound);
        expect(winners).toHaveLength(1);
        for (const outcome of outcomes) {
          if (!outcome.bound) expect(outcome.existing.verdictId).toBe(winners[0]!.verdict.id);
        }
        const stored = await store.list({}, { limit: 10 });
        expect(stored.items.map((item) => item.verdict.id)).toEqual([winners[0]!.verdict.id]);
      });

      it('binds no key when the verdict insert fails', async () => {
        const record = makeRecord('deny', 'Bash', boundAt);
        await store.append(record);
        await expect(store.appendIdempotent(record, makeKey('k-1', boundAt), liveSince)).rejects.toThrow();
        expect(await store.findIdempotencyKey('open', 'k-1', liveSince)).toBeUndefined();
      });

      it('binds a key to a verdict already stored', async () => {
        const record = makeRecord('deny', 'Bash', boundAt);
        const other = makeRecord('allow', 'Bash', boundAt);
        await store.append(record);
        await store.append(other);
        expect(await store.bindIdempotencyKey(makeKey('k-1', boundAt), record.verdict.id, liveSince)).toEqual({ bound: true });
        const outcome = await store.bindIdempotencyKey(makeKey('k-1', boundAt), other.verdict.id, liveSince);
        expect(outcome.bound).toBe(false);
        expect(outcome.bound ? undefined : outcome.existing.verdictId).toBe(record.verdict.id);
      });

      it('deletes only bindings made before the cutoff', async () => {
        const older = new Date('2026-12-01T10:00:00Z');
        const newer = new Date('2026-12-02T10:00:00Z');
        await store.appendIdempotent(makeRecord('deny', 'Bash', older), makeKey('old', older), liveSince);
        await store.appendIdempotent(makeRecord('deny', 'Bash', newer), makeKey('new', newer), liveSince);
        expect(await store.deleteIdempotencyKeys('2026-12-02T00:00:00.000Z')).toBe(1);
        expect(await store.findIdempotencyKey('open', 'old', liveSince)).toBeUndefined();
        expect(await store.findIdempotencyKey('open', 'new', liveSince)).toBeDefined();
        expect((await store.list({}, { limit: 10 })).items).toHaveLength(2);
      });
    });

    it('answers ping while usable', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
