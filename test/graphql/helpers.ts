import type { TestService } from '../helpers/service.ts';

export interface GraphqlResponse {
  readonly status: number;
  readonly data: Record<string, any> | null | undefined;
  readonly errors: Array<{ message: string; path?: string[]; extensions: { code: string; [key: string]: unknown } }> | undefined;
}

/** Sends one GraphQL operation to the real app over HTTP POST /graphql. */
export async function graphql(service: TestService, query: string, variables?: Record<string, unknown>): Promise<GraphqlResponse> {
  const response = await service.app.inject({ method: 'POST', url: '/graphql', payload: { query, ...(variables ? { variables } : {}) } });
  const body = response.json();
  return { status: response.statusCode, data: body.data, errors: body.errors };
}

/** Posts a deliberation request over REST and returns the verdict JSON. */
export async function deliberate(service: TestService, body: Record<string, unknown>): Promise<Record<string, any>> {
  const response = await service.app.inject({ method: 'POST', url: '/v1/deliberations', payload: body });
  if (response.statusCode !== 200) throw new Error(`deliberation failed with ${response.statusCode}: ${response.body}`);
  return response.json();
}

/**
 * Posts a deliberation request to a listening service over real HTTP, as an agent would, with
 * the API key when the service enforces keys.
 */
export async function deliberateOverHttp(baseUrl: string, body: Record<string, unknown>, key?: string): Promise<{ id: string; decision: string }> {
  const response = await fetch(`${baseUrl}/v1/deliberations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`deliberation failed with ${response.status}: ${await response.text()}`);
  return (await response.json()) as { id: string; decision: string };
}

/** Counts the subscriptions the server has registered for committed verdicts. */
export function subscriberCount(service: TestService): number {
  // graphql-transport-ws acknowledges no subscribe message, so this reads the listener count
  // from the matcher of mqemitter, the default Mercurius emitter.
  const pubsub = service.app.graphql.pubsub as unknown as { emitter: { _matcher: { match(topic: string): unknown[] } } };
  return pubsub.emitter._matcher.match('VERDICT_COMMITTED').length;
}

/** Waits until the server has registered `count` subscriptions, so no published verdict is missed. */
export async function waitForSubscribers(service: TestService, count: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (subscriberCount(service) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`only some of ${count} subscriptions were registered`);
}
