import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GuardError } from '../../src/api/errors.ts';
import { IdempotencyKeys, type IdempotentRequest } from '../../src/api/replay/idempotency.ts';
import { bindingIdempotencyKeys } from '../../src/api/replay/idempotent-append.ts';
import type { Verdict } from '../../src/deliberation/verdict.ts';
import { SqliteVerdictStore } from '../../src/store/sqlite-store.ts';
import type { VerdictStore } from '../../src/store/store.ts';
import { makeKey, makeRecord } from '../store/contract.ts';

let dir: string;
let store: SqliteVerdictStore;
/** The store as the Deliberator sees it: appends inside a keyed run bind the key. */
let deliberatorStore: VerdictStore;
let keys: IdempotencyKeys;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'guard-idempotency-'));
  store = new SqliteVerdictStore(join(dir, 'verdicts.sqlite'));
  deliberatorStore = bindingIdempotencyKeys(store);
  keys = new IdempotencyKeys(store, 60_000);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const keyed: IdempotentRequest = { owner: 'open', key: 'k-1', bodyHash: 'a'.repeat(64) };

/** Stands in for Deliberator.deliberate: builds a verdict and appends it through the wrapped store. */
async function deliberate(): Promise<Verdict> {
  const record = makeRecord('deny', 'Bash', new Date());
  await deliberatorStore.append(record);
  return record.verdict;
}

async function storedIds(): Promise<string[]> {
  return (await store.list({}, { limit: 10 })).items.map((item) => item.verdict.id);
}

describe('IdempotencyKeys', () => {
  it('stores the first verdict and replays it', async () => {
    const first = await keys.run(keyed, deliberate);
    const retry = await keys.run(keyed, deliberate);
    expect(first.replayed).toBe(false);
    expect(retry).toEqual({ verdict: first.verdict, replayed: true });
    expect(await storedIds()).toEqual([first.verdict.id]);
  });

  it('replays the verdict another instance committed first', async () => {
    const other = makeRecord('allow', 'Bash', new Date());
    const result = await keys.run(keyed, async () => {
      // Another instance commits the same key after this one's lookup and before its commit.
      await store.appendIdempotent(other, makeKey('k-1', new Date(), 'a'.repeat(64)), new Date(0).toISOString());
      return deliberate();
    });
    expect(result).toEqual({ verdict: other.verdict, replayed: true });
    expect(await storedIds()).toEqual([other.verdict.id]);
  });

  it('rejects another body that another instance committed first', async () => {
    const other = makeRecord('allow', 'Bash', new Date());
    const run = keys.run(keyed, async () => {
      await store.appendIdempotent(other, makeKey('k-1', new Date(), 'b'.repeat(64)), new Date(0).toISOString());
      return deliberate();
    });
    await expect(run).rejects.toSatisfy((error) => error instanceof GuardError && error.code === 'GUARD_ERR_IDEMPOTENCY_KEY_REUSED');
    expect(await storedIds()).toEqual([other.verdict.id]);
  });

  it('lets a waiting retry run anew after the first attempt failed', async () => {
    let failFirst!: (error: Error) => void;
    const failure = new Promise<never>((_, reject) => (failFirst = reject));
    const first = keys.run(keyed, () => failure);
    const retry = keys.run(keyed, deliberate);
    failFirst(new Error('engine failed'));

    await expect(first).rejects.toThrow('engine failed');
    const result = await retry;
    expect(result.replayed).toBe(false);
    expect(await storedIds()).toEqual([result.verdict.id]);
  });

  it('rejects another body while the first request runs', async () => {
    let finishFirst!: () => void;
    const gate = new Promise<void>((resolve) => (finishFirst = resolve));
    const first = keys.run(keyed, async () => {
      await gate;
      return deliberate();
    });
    await expect(keys.run({ ...keyed, bodyHash: 'b'.repeat(64) }, deliberate)).rejects.toSatisfy(
      (error) => error instanceof GuardError && error.code === 'GUARD_ERR_IDEMPOTENCY_KEY_REUSED',
    );
    finishFirst();
    expect((await first).replayed).toBe(false);
  });

  it('appends without a key outside a keyed run', async () => {
    const verdict = await deliberate();
    expect(await storedIds()).toEqual([verdict.id]);
    expect(await store.findIdempotencyKey('open', 'k-1', new Date(0).toISOString())).toBeUndefined();
  });
});
