import type { ClientRequestArgs } from 'node:http';
import type { Socket } from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseApiKey } from '../../src/auth/api-key.ts';
import { SqliteKeyStore } from '../../src/store/sqlite-key-store.ts';
import { requestBody, startTestService, type TestService } from '../helpers/service.ts';
import { createKey } from '../hardening/keys.ts';
import { deliberateOverHttp, subscriberCount, waitForSubscribers } from './helpers.ts';

let service: TestService;
let baseUrl: string;
const keys: Record<string, string> = {};
const clients: Client[] = [];

const SUBSCRIPTION = 'subscription { verdict_committed { id decision } }';

beforeAll(async () => {
  // Every event checks the key again, so a revocation shows on the next verdict.
  service = await startTestService({ GUARD_KEY_RECHECK_MS: '0' });
  baseUrl = await service.app.listen({ host: '127.0.0.1', port: 0 });
  for (const scope of ['deliberate', 'read'] as const) {
    keys[scope] = await createKey(service.databaseFile, `${scope}-holder`, [scope]);
  }
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
  // The server drops a closed client's listeners asynchronously; the next test counts them.
  await expect.poll(() => subscriberCount(service)).toBe(0);
});
afterAll(async () => {
  await service.stop();
});

/** Creates a graphql-ws client that sends `headers` on the upgrade request and `connectionParams` in connection_init. */
function connect(connectionParams?: Record<string, unknown>, headers?: Record<string, string>): Client {
  class WebSocketWithHeaders extends WebSocket {
    constructor(url: string, protocols?: string | string[], options: ClientRequestArgs = {}) {
      super(url, protocols, { ...options, headers: { ...options.headers, ...headers } });
    }
  }
  const client = createClient({
    url: `${baseUrl.replace('http', 'ws')}/graphql`,
    webSocketImpl: headers ? WebSocketWithHeaders : WebSocket,
    retryAttempts: 0,
    ...(connectionParams ? { connectionParams } : {}),
  });
  clients.push(client);
  return client;
}

interface SubscriptionOutcome {
  /** Verdicts delivered so far. */
  readonly received: Array<{ id: string }>;
  /** Settles with the errors the subscription ended with, or an empty list when it completed. */
  readonly ended: Promise<ReadonlyArray<{ message: string; extensions?: { code?: string } }>>;
}

function subscribe(client: Client): SubscriptionOutcome {
  const received: Array<{ id: string }> = [];
  const ended = new Promise<ReadonlyArray<{ message: string; extensions?: { code?: string } }>>((resolve, reject) => {
    client.subscribe<{ verdict_committed: { id: string } }>(
      { query: SUBSCRIPTION },
      {
        next: (message) => {
          if (message.data) received.push(message.data.verdict_committed);
        },
        error: (error) => (Array.isArray(error) ? resolve(error) : reject(error)),
        complete: () => resolve([]),
      },
    );
  });
  return { received, ended };
}

function deliberate(command: string): Promise<{ id: string }> {
  return deliberateOverHttp(baseUrl, requestBody(command, 'show me the repo state'), keys.deliberate);
}

describe('subscription authentication', () => {
  it('stops streaming once its key is revoked', async () => {
    const token = await createKey(service.databaseFile, 'revoked-later', ['read']);
    const events: Array<{ data?: { verdict_committed: { id: string } | null } | null; errors?: ReadonlyArray<{ extensions?: { code?: string } }> }> = [];
    connect({ authorization: `Bearer ${token}` }).subscribe<{ verdict_committed: { id: string } | null }>(
      { query: SUBSCRIPTION },
      { next: (event) => events.push(event), error: () => undefined, complete: () => undefined },
    );
    await waitForSubscribers(service, 1);
    const before = await deliberate('git status');
    await expect.poll(() => events.length).toBe(1);
    expect(events[0]?.data?.verdict_committed?.id).toBe(before.id);

    const keyStore = new SqliteKeyStore(service.databaseFile);
    expect(await keyStore.revoke(parseApiKey(token)!.id)).toBe(true);
    await keyStore.close();
    await deliberate('git log');
    await expect.poll(() => events.length).toBe(2);
    expect(events[1]?.data?.verdict_committed ?? null).toBeNull();
    expect(events[1]?.errors?.[0]?.extensions?.code).toBe('GUARD_ERR_UNAUTHENTICATED');
  });

  it('streams verdicts to a read key sent in connection_init', async () => {
    const live = subscribe(connect({ authorization: `Bearer ${keys.read}` }));
    await waitForSubscribers(service, 1);

    const verdict = await deliberate('git status');
    await expect.poll(() => live.received.map((item) => item.id)).toEqual([verdict.id]);
  });

  it('accepts x-api-key in connection_init', async () => {
    const live = subscribe(connect({ 'X-Api-Key': keys.read }));
    await waitForSubscribers(service, 1);

    const verdict = await deliberate('git log -1');
    await expect.poll(() => live.received.map((item) => item.id)).toEqual([verdict.id]);
  });

  it('streams to an upgrade request with a valid header', async () => {
    const live = subscribe(connect(undefined, { authorization: `Bearer ${keys.read}` }));
    await waitForSubscribers(service, 1);

    const verdict = await deliberate('git diff');
    await expect.poll(() => live.received.map((item) => item.id)).toEqual([verdict.id]);
  });

  const rejected: Array<{ name: string; params: () => Record<string, unknown> | undefined; code: string; message: string }> = [
    { name: 'no key', params: () => undefined, code: 'GUARD_ERR_UNAUTHENTICATED', message: 'missing API key' },
    { name: 'an empty payload', params: () => ({}), code: 'GUARD_ERR_UNAUTHENTICATED', message: 'missing API key' },
    { name: 'a malformed key', params: () => ({ authorization: 'Bearer not-a-key' }), code: 'GUARD_ERR_UNAUTHENTICATED', message: 'invalid API key' },
    {
      name: 'an unknown key',
      params: () => ({ authorization: `Bearer ${keys.read!.slice(0, -4)}AAAA` }),
      code: 'GUARD_ERR_UNAUTHENTICATED',
      message: 'invalid API key',
    },
    { name: 'a non-string authorization', params: () => ({ authorization: 42 }), code: 'GUARD_ERR_UNAUTHENTICATED', message: 'invalid connection_init payload' },
    { name: 'a key without read', params: () => ({ authorization: `Bearer ${keys.deliberate}` }), code: 'GUARD_ERR_FORBIDDEN', message: 'lacks the scope "read"' },
  ];

  it.each(rejected)('rejects $name and streams nothing', async ({ params, code, message }) => {
    const denied = subscribe(connect(params()));
    const errors = await denied.ended;
    expect(errors).toHaveLength(1);
    expect(errors[0]?.extensions?.code).toBe(code);
    expect(errors[0]?.message).toContain(message);
    expect(subscriberCount(service)).toBe(0);

    // A verdict committed after the rejection reaches an authorised client but not this one.
    const allowed = subscribe(connect({ authorization: `Bearer ${keys.read}` }));
    await waitForSubscribers(service, 1);
    const verdict = await deliberate('git branch');
    await expect.poll(() => allowed.received.map((item) => item.id)).toEqual([verdict.id]);
    expect(denied.received).toEqual([]);
  });

  it('rejects an upgrade request with an invalid header', async () => {
    const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', {
      headers: { authorization: 'Bearer not-a-key' },
    });
    // The auth hook rejects the request before the upgrade, with Mercurius's GraphQL error body.
    const answer = await new Promise<{ opened: boolean; body: string; connection?: Socket }>((resolve) => {
      socket.on('error', () => undefined);
      socket.on('unexpected-response', (_request, response) => {
        const connection = response.socket;
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ opened: false, body, connection }));
      });
      socket.on('open', () => {
        resolve({ opened: true, body: '' });
        socket.close();
      });
    });
    expect(answer.opened).toBe(false);
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('GUARD_ERR_UNAUTHENTICATED');
    // The server closes the TCP connection of the rejected upgrade; the client leaves it open.
    await expect.poll(() => answer.connection?.destroyed).toBe(true);
  });

  it('never logs a key sent in connection_init', async () => {
    const live = subscribe(connect({ authorization: `Bearer ${keys.read}` }));
    await waitForSubscribers(service, 1);
    await deliberate('git tag');
    await expect.poll(() => live.received.length).toBe(1);

    const secret = parseApiKey(keys.read!)!.secret;
    expect(service.logLines.join('\n')).not.toContain(secret);
  });

  it('still rejects HTTP GraphQL without a key', async () => {
    const response = await request(service.app.server).post('/graphql').send({ query: '{ verdicts(first: 1) { edges { node { id } } } }' });
    expect(response.body.errors[0].extensions.code).toBe('GUARD_ERR_UNAUTHENTICATED');
  });

  it('rejects HTTP GraphQL that only claims an upgrade', async () => {
    // Without `connection: upgrade` Node serves this as a plain GET, which runs the query.
    const response = await request(service.app.server)
      .get('/graphql')
      .query({ query: '{ verdicts(first: 1) { edges { node { id } } } }' })
      .set('upgrade', 'websocket');
    expect(response.body.data ?? null).toBeNull();
    expect(response.body.errors[0].extensions.code).toBe('GUARD_ERR_UNAUTHENTICATED');
  });
});
