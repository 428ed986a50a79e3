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
    get: (id: string) => counted('get', () => store.get(id)),
    review: (id: string, review: Review) => timedWrite('review', () => store.review(id, review)),
    list: (filter: VerdictFilter, options: { limit: number; cursor?: string }) => counted('list', () => store.list(filter, options)),
    scan: (filter: VerdictFilter) => countedScan(store.scan(filter), metrics),
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
