import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Settles like `work`, or rejects once `ms` milliseconds have passed. The timer does not keep
 * the process alive, and `work` is not cancelled: its result is ignored after the timeout.
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, operation: string): Promise<T> {
  const controller = new AbortController();
  const timeout = sleep(ms, undefined, { ref: false, signal: controller.signal }).then(() => {
    throw new Error(`${operation} timed out after ${ms} ms`);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    controller.abort();
  }
}
