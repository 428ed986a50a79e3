import type { StoredVerdict, VerdictFilter, VerdictStore } from '../store/store.ts';
import type { Review } from '../store/review.ts';
import type { GuardMetrics } from './metrics.ts';

/**
 * Wraps a verdict store so that write latency and every failed operation are counted. Errors
 * are counted and re-thrown unchanged: the API still answers 503 for an unusable store.
 */
export function instrumentStore(store: VerdictStore, metrics: GuardMetrics): VerdictStore {
  async function counted<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      metrics.storeFailures.inc({ operation });
      throw error;
    }
  }

  async function timedWrite<T>(operation: string, run: () => Promise<T>): Promise<T> {
    const stop = metrics.storeWriteSeconds.startTimer({ operation });
    const result = await counted(operation, run);
    stop();
    return result;
  }

  return {
    append: (record: StoredVerdict) => timedWrite('append', () => store.append(record)),
    appendIdempotent: (record, key, liveSince) => timedWrite('append', () => store.appendIdempotent(record, key, liveSince)),
    bindIdempotencyKey: (key, verdictId, liveSince) =>
      timedWrite('bind_idempotency_key', () => store.bindIdempotencyKey(key, verdictId, liveSince)),
    findIdempotencyKey: (owner, key, liveSince) => counted('find_idempotency_key', () => store.findIdempotencyKey(owner, key, liveSince)),
    deleteIdempotencyKeys: (createdBefore) => counted('delete_idempotency_keys', () => store.deleteIdempotencyKeys(createdBefore)),
    get: (id: string) => counted('get', () => store.get(id)),
    review: (id: string, review: Review) => timedWrite('review', () => store.review(id, review)),
    list: (filter: VerdictFilter, options: { limit: number; cursor?: string }) => counted('list', () => store.list(filter, options)),
    scan: (filter: VerdictFilter, options?: { after?: string }) => countedScan(store.scan(filter, options), metrics),
    statistics: (filter, options) => counted('statistics', () => store.statistics(filter, options)),
    factorDistributions: (filter) => counted('factor_distributions', () => store.factorDistributions(filter)),
    listBySession: (sessionIds, limitPerSession) => counted('list_by_session', () => store.listBySession(sessionIds, limitPerSession)),
    watchCommitted: (listener, log) => store.watchCommitted(listener, log),
    ping: () => counted('ping', () => store.ping()),
    close: () => store.close(),
  };
}

async function* countedScan(rows: AsyncIterable<StoredVerdict>, metrics: GuardMetrics): AsyncIterable<StoredVerdict> {
  try {
    yield* rows;
  } catch (error) {
    metrics.storeFailures.inc({ operation: 'scan' });
    throw error;
  }
}
