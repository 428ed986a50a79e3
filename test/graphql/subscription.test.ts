import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptionClient } from '../helpers/commit-subscription.ts';
import { requestBody, startTestService, type TestService } from '../helpers/service.ts';
import { deliberateOverHttp, waitForSubscribers } from './helpers.ts';

let service: TestService;
let baseUrl: string;
let client: Client;

beforeAll(async () => {
  service = await startTestService();
  baseUrl = await service.app.listen({ host: '127.0.0.1', port: 0 });
  client = subscriptionClient(baseUrl);
});
afterAll(async () => {
  await client.dispose();
  await service.stop();
});

function deliberate(body: Record<string, unknown>): Promise<{ id: string; decision: string }> {
  return deliberateOverHttp(baseUrl, body);
}

/** Starts a subscription; `next` resolves with the next verdict it delivers. */
function subscribe(variables: Record<string, unknown>) {
  const received: Array<Record<string, any>> = [];
  const iterator = client.iterate<Record<string, any>>({
    query: `subscription ($decision: Decision, $constitution: String) {
      verdict_committed(decision: $decision, constitution: $constitution) {
        id decision constitution { id } request { action { tool input } } factors { id score } } }`,
    variables,
  });
  return {
    received,
    async next(): Promise<Record<string, any>> {
      const result = await iterator.next();
      if (result.done) throw new Error('subscription ended');
      expect(result.value.errors).toBeUndefined();
      const verdict = result.value.data?.verdict_committed as Record<string, any>;
      received.push(verdict);
      return verdict;
    },
    stop: () => iterator.return?.(),
  };
}

describe('verdict_committed subscription', () => {
  it('streams a verdict posted over REST to a websocket client', async () => {
    const all = subscribe({});
    const denied = subscribe({ decision: 'deny' });
    await waitForSubscribers(service, 2);

    const allowed = await deliberate(requestBody('ls -la', 'List the files here'));
    const deniedVerdict = await deliberate(requestBody('rm -rf ~/work', 'Tidy my home directory a bit'));
    expect(allowed.decision).toBe('allow');
    expect(deniedVerdict.decision).toBe('deny');

    const first = await all.next();
    expect(first.id).toBe(allowed.id);
    expect(first.request.action).toEqual({ tool: 'Bash', input: { command: 'ls -la' } });
    expect(first.factors).toHaveLength(8);
    expect((await all.next()).id).toBe(deniedVerdict.id);

    // The decision filter skipped the allow verdict: the first event is the deny.
    const onlyDeny = await denied.next();
    expect(onlyDeny).toMatchObject({ id: deniedVerdict.id, decision: 'deny', constitution: { id: 'default' } });
    await all.stop();
    await denied.stop();
  });

  it('filters by constitution', async () => {
    const other = subscribe({ constitution: 'no-such-constitution' });
    const defaults = subscribe({ constitution: 'default' });
    await waitForSubscribers(service, 2);

    const verdict = await deliberate(requestBody('git status', 'show me the repo state'));
    expect((await defaults.next()).id).toBe(verdict.id);
    const pending = Promise.race([other.next(), new Promise((resolve) => setTimeout(() => resolve('nothing'), 300))]);
    expect(await pending).toBe('nothing');
    await other.stop();
    await defaults.stop();
  });
});
