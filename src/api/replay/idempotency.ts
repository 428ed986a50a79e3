import { LRUCache } from 'lru-cache';
import type { Verdict } from '../../deliberation/verdict.ts';
import { GuardError } from '../errors.ts';

interface IdempotencyEntry {
  readonly bodyHash: string;
  /** Resolves to the committed verdict's id; shared by concurrent retries of one request. */
  readonly verdictId: Promise<string>;
}

export interface IdempotentResult {
  readonly verdict: Verdict;
  readonly replayed: boolean;
}

/**
 * Remembers which verdict answered each Idempotency-Key, so a retried request gets the stored
 * verdict back and no second one is committed. A retry that arrives while the first request
 * still runs waits for it. A request that failed leaves no entry, so its retry runs anew.
 *
 * NOTE: the table is in memory, per process. A retry that reaches another replica, or this one
 * after a restart, deliberates again and commits a second verdict.
 */
export class IdempotencyTable {
  private readonly entries: LRUCache<string, IdempotencyEntry>;

  constructor(ttlMs: number, maxEntries: number) {
    this.entries = new LRUCache({ max: maxEntries, ttl: ttlMs });
  }

  async run(
    key: string,
    bodyHash: string,
    deliberate: () => Promise<Verdict>,
    load: (id: string) => Promise<Verdict | undefined>,
  ): Promise<IdempotentResult> {
    const existing = this.entries.get(key);
    if (existing) {
      if (existing.bodyHash !== bodyHash) {
        throw new GuardError(
          'GUARD_ERR_IDEMPOTENCY_KEY_REUSED',
          'Idempotency-Key header: this key was already used with a different request body; send a new key for a new request',
        );
      }
      const verdict = await load(await existing.verdictId);
      if (verdict) return { verdict, replayed: true };
    }

    const pending = deliberate();
    const entry: IdempotencyEntry = { bodyHash, verdictId: pending.then((verdict) => verdict.id) };
    // A failed first attempt must not fail waiting retries with an unhandled rejection warning.
    entry.verdictId.catch(() => undefined);
    this.entries.set(key, entry);
    try {
      return { verdict: await pending, replayed: false };
    } catch (error) {
      if (this.entries.get(key) === entry) this.entries.delete(key);
      throw error;
    }
  }
}
