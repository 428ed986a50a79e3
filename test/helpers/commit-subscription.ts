import { createClient, type Client } from 'graphql-ws';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { deliberateOverHttp } from '../graphql/helpers.ts';
import { requestBody } from './service.ts';

/** Opens a graphql-ws client on a service's /graphql endpoint. */
export function subscriptionClient(baseUrl: string): Client {
  return createClient({ url: `${baseUrl.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
}

/** Upper bound for the subscription to catch up after the last response; a bound, not a timing assert. */
export const SUBSCRIPTION_DRAIN_MS = 30_000;

/** Collects every `verdict_committed` event of one subscription, with the errors it reports. */
export function subscribeToCommits(client: Client) {
  const ids: string[] = [];
  const errors: unknown[] = [];
  const waiters: Array<{ condition: () => boolean; resolve: () => void }> = [];
  const settle = () => {
    for (const waiter of waiters.filter((entry) => entry.condition())) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  const unsubscribe = client.subscribe<{ verdict_committed: { id: string } }>(
    { query: 'subscription { verdict_committed { id } }' },
    {
      next: (event) => {
        if (event.errors) errors.push(...event.errors);
        if (event.data) ids.push(event.data.verdict_committed.id);
        settle();
      },
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  return {
    ids,
    errors,
    unsubscribe,
    /** Resolves once `condition` is true after an event, or after `timeoutMs` in any case. */
    async until(condition: () => boolean, timeoutMs: number): Promise<void> {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        waiters.push({
          condition,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        settle();
      });
    },
  };
}

/**
 * Posts deliberations until the subscription delivers one of them, and returns their ids.
 * graphql-transport-ws acknowledges no subscribe message, so a delivered event is the only
 * sign that the server has registered the subscription. Verdicts committed before then never reach it.
 */
export async function warmUp(subscription: ReturnType<typeof subscribeToCommits>, baseUrl: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let attempt = 0; attempt < 50 && subscription.ids.length === 0; attempt += 1) {
    ids.add((await deliberateOverHttp(baseUrl, requestBody('git status', 'Show me the repo state'))).id);
    await subscription.until(() => subscription.ids.length > 0, 200);
  }
  expect(subscription.ids.length).toBeGreaterThan(0);
  return ids;
}

/**
 * Waits until the subscription has delivered an event for each of `ids`, then checks that it
 * delivered exactly those, once each, without errors, and ends it. `events` returns the ids
 * delivered so far that count, for example without the warm-up verdicts.
 */
export async function expectOneEventPerVerdict(
  subscription: ReturnType<typeof subscribeToCommits>,
  events: () => string[],
  ids: ReadonlyArray<string | undefined>,
): Promise<void> {
  await subscription.until(() => events().length >= ids.length, SUBSCRIPTION_DRAIN_MS);
  subscription.unsubscribe();
  const delivered = events();
  expect(subscription.errors).toEqual([]);
  expect(delivered).toHaveLength(ids.length);
  expect(new Set(delivered).size).toBe(ids.length);
  expect([...delivered].sort()).toEqual([...ids].sort());
}
