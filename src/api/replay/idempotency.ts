import { IdempotencyKeyBoundError } from '../../deliberation/deliberator.ts';
import type { Verdict } from '../../deliberation/verdict.ts';
import type { IdempotencyBinding, KeyBinding, VerdictStore } from '../../store/store.ts';
import { GuardError } from '../errors.ts';

/** An Idempotency-Key as a request carries it. */
export interface IdempotentRequest {
  /** The API key id, or `open` when requests are not authenticated. */
  readonly owner: string;
  readonly key: string;
  /** SHA-256 of the body's key-sorted JSON. */
  readonly bodyHash: string;
}

/**
 * Deliberates for a keyed request, committing a new verdict with `binding` (see
 * Deliberator.deliberate). `committed` is false when it returned a verdict that was already
 * stored, as the verdict cache does, so the key still has to be bound.
 */
export type KeyedDeliberation = (binding: KeyBinding) => Promise<{ verdict: Verdict; committed: boolean }>;

export interface IdempotentResult {
  readonly verdict: Verdict;
  readonly replayed: boolean;
}

interface InFlight {
  readonly bodyHash: string;
  readonly result: Promise<IdempotentResult>;
}

function keyReusedError(): GuardError {
  return new GuardError(
    'GUARD_ERR_IDEMPOTENCY_KEY_REUSED',
    'Idempotency-Key header: this key was already used with a different request body; send a new key for a new request',
  );
}

/**
 * Resolves a request that carries an Idempotency-Key to its verdict. The store binds each key
 * to the verdict it produced, in the same transaction that commits the verdict. A retry on any
 * instance sharing the database, or after a restart, therefore gets the stored verdict back,
 * and no second verdict is committed. Of two instances racing on one key, the one that commits second stores
 * nothing and returns the first one's verdict. Bindings expire `ttlMs` after they were made.
 *
 * Within one process, a retry that arrives while the first request still runs waits for it
 * instead of deliberating in parallel only to lose at commit. A request that failed leaves no
 * binding, so its retry runs anew.
 */
export class IdempotencyKeys {
  private readonly inFlight = new Map<string, InFlight>();

  constructor(
    private readonly store: VerdictStore,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async run(request: IdempotentRequest, deliberate: KeyedDeliberation): Promise<IdempotentResult> {
    const id = JSON.stringify([request.owner, request.key]);
    for (let running = this.inFlight.get(id); running; running = this.inFlight.get(id)) {
      if (running.bodyHash !== request.bodyHash) throw keyReusedError();
      const verdict = await running.result.then((result) => result.verdict, () => undefined);
      if (verdict) return { verdict, replayed: true };
      // The first attempt failed; drop its entry in case its own cleanup has not run yet.
      if (this.inFlight.get(id) === running) this.inFlight.delete(id);
    }

    const entry: InFlight = { bodyHash: request.bodyHash, result: this.resolve(request, deliberate) };
    this.inFlight.set(id, entry);
    try {
      return await entry.result;
    } finally {
      if (this.inFlight.get(id) === entry) this.inFlight.delete(id);
    }
  }

  /** Deletes the expired bindings from the store and returns how many. */
  async deleteExpired(): Promise<number> {
    return this.store.deleteIdempotencyKeys(this.liveSince());
  }

  private liveSince(): string {
    return new Date(this.now() - this.ttlMs).toISOString();
  }

  private async resolve(request: IdempotentRequest, deliberate: KeyedDeliberation): Promise<IdempotentResult> {
    const liveSince = this.liveSince();
    const stored = await this.store.findIdempotencyKey(request.owner, request.key, liveSince);
    if (stored) return this.replay(stored, request.bodyHash);

    const key = { ...request, createdAt: new Date(this.now()).toISOString() };
    try {
      const { verdict, committed } = await deliberate({ key, liveSince });
      if (committed) return { verdict, replayed: false };
      // The verdict came from the verdict cache, already stored without this key.
      const outcome = await this.store.bindIdempotencyKey(key, verdict.id, liveSince);
      return outcome.bound ? { verdict, replayed: false } : this.replay(outcome.existing, request.bodyHash);
    } catch (error) {
      if (error instanceof IdempotencyKeyBoundError) return this.replay(error.existing, request.bodyHash);
      throw error;
    }
  }

  private async replay(binding: IdempotencyBinding, bodyHash: string): Promise<IdempotentResult> {
    if (binding.bodyHash !== bodyHash) throw keyReusedError();
    const stored = await this.store.get(binding.verdictId);
    // The binding and its verdict are committed in one transaction, and nothing deletes verdicts,
    // so a binding without its verdict means the database was edited by hand.
    if (!stored) throw new Error(`verdict ${binding.verdictId}, bound to the Idempotency-Key, was not found in the store`);
    return { verdict: stored.verdict, replayed: true };
  }
}
