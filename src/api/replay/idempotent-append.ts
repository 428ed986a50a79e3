import { AsyncLocalStorage } from 'node:async_hooks';
import type { IdempotencyBinding, IdempotencyKey, StoredVerdict, VerdictStore } from '../../store/store.ts';

/** The key that the next verdict append in this async context binds, and whether it did. */
interface KeyScope {
  readonly key: IdempotencyKey;
  readonly liveSince: string;
  appended: boolean;
}

const scopes = new AsyncLocalStorage<KeyScope>();

/**
 * Raised from the verdict append when the Idempotency-Key already names a live verdict. The new
 * verdict was not stored, and the Deliberator passes the error up before it logs a commit.
 */
export class IdempotencyKeyBoundError extends Error {
  constructor(readonly existing: IdempotencyBinding) {
    super(`the Idempotency-Key is already bound to verdict ${existing.verdictId}`);
    this.name = 'IdempotencyKeyBoundError';
  }
}

/**
 * Runs `deliberate` so that the verdict it appends is committed together with `key`. Resolves
 * with `appended: false` when no append happened, as on a verdict cache hit; the caller then
 * binds the key itself.
 */
export async function withIdempotencyKey<T>(
  key: IdempotencyKey,
  liveSince: string,
  deliberate: () => Promise<T>,
): Promise<{ result: T; appended: boolean }> {
  const scope: KeyScope = { key, liveSince, appended: false };
  const result = await scopes.run(scope, deliberate);
  return { result, appended: scope.appended };
}

/**
 * Wraps the store that the Deliberator writes through. An `append` inside `withIdempotencyKey`
 * becomes `appendIdempotent`, and every other call passes through unchanged. The key travels in
 * AsyncLocalStorage because the Deliberator's interface has no place for it.
 */
export function bindingIdempotencyKeys(store: VerdictStore): VerdictStore {
  async function append(record: StoredVerdict): Promise<void> {
    const scope = scopes.getStore();
    if (!scope || scope.appended) return store.append(record);
    scope.appended = true;
    const outcome = await store.appendIdempotent(record, scope.key, scope.liveSince);
    if (!outcome.bound) throw new IdempotencyKeyBoundError(outcome.existing);
  }

  return new Proxy(store, {
    get(target, property) {
      if (property === 'append') return append;
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
