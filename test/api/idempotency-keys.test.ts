import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GuardError } from '../../src/api/errors.ts';
import { IdempotencyKeys, type IdempotentRequest, type KeyedDeliberation } from '../../src/api/replay/idempotency.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { Deliberator } from '../../src/deliberation/deliberator.ts';
import { DeliberationRequestSchema, type DeliberationRequest } from '../../src/deliberation/request.ts';
import { createCore } from '../../src/core.ts';
import type { VerdictStore } from '../../src/store/store.ts';
import { makeKey, makeRecord } from '../store/contract.ts';

let dir: string;
let store: VerdictStore;
let deliberator: Deliberator;
let keys: IdempotencyKeys;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'guard-idempotency-'));
  const core = await createCore(
    loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'verdicts.sqlite')}`, GUARD_CONSTITUTIONS_DIR: join(import.meta.dirname, '../../constitutions') }),
  );
  store = core.store;
  deliberator = core.deliberator;
  keys = new IdempotencyKeys(store, 60_000);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const keyed: IdempotentRequest = { owner: 'open', key: 'k-1', bodyHash: 'a'.repeat(64) };
const request: DeliberationRequest = DeliberationRequestSchema.parse({
  constitution: 'default',
  action: { tool: 'Bash', input: { command: 'rm -rf ./build' } },
  context: { user_request: 'Clean the build folder' },
});
const silent = pino({ level: 'silent' });

/** Deliberates with the real Deliberator, committing the verdict with the key bound to it. */
const deliberate: KeyedDeliberation = async (binding) => ({ verdict: await deliberator.deliberate(request, silent, binding), committed: true });

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
    const result = await keys.run(keyed, async (binding) => {
      // Another instance commits the same key after this one's lookup and before its commit.
      await store.appendIdempotent(other, makeKey('k-1', new Date(), 'a'.repeat(64)), new Date(0).toISOString());
      return deliberate(binding);
    });
    expect(result).toEqual({ verdict: other.verdict, replayed: true });
    expect(await storedIds()).toEqual([other.verdict.id]);
  });

  it('rejects another body that another instance committed first', async () => {
    const other = makeRecord('allow', 'Bash', new Date());
    const run = keys.run(keyed, async (binding) => {
      await store.appendIdempotent(other, makeKey('k-1', new Date(), 'b'.repeat(64)), new Date(0).toISOString());
      return deliberate(binding);
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
    const first = keys.run(keyed, async (binding) => {
      await gate;
      return deliberate(binding);
    });
    await expect(keys.run({ ...keyed, bodyHash: 'b'.repeat(64) }, deliberate)).rejects.toSatisfy(
      (error) => error instanceof GuardError && error.code === 'GUARD_ERR_IDEMPOTENCY_KEY_REUSED',
    );
    finishFirst();
    expect((await first).replayed).toBe(false);
  });

  it('binds the key to a verdict that was already stored', async () => {
    const cached = makeRecord('allow', 'Bash', new Date());
    await store.append(cached);
    const result = await keys.run(keyed, async () => ({ verdict: cached.verdict, committed: false }));
    expect(result).toEqual({ verdict: cached.verdict, replayed: false });
    expect((await store.findIdempotencyKey('open', 'k-1', new Date(0).toISOString()))?.verdictId).toBe(cached.verdict.id);
  });

  it('binds no key without a binding', async () => {
    const verdict = await deliberator.deliberate(request, silent);
    expect(await storedIds()).toEqual([verdict.id]);
    expect(await store.findIdempotencyKey('open', 'k-1', new Date(0).toISOString())).toBeUndefined();
  });
});
