import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

/** One request the mock received: headers and parsed JSON body. */
export interface ReceivedRequest {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Record<string, unknown>;
}

/** What the mock does for one request. */
export type MockBehaviour =
  /** Respond with the verdict input; `stop` is the API's stop or finish reason. */
  | { readonly kind: 'verdict'; readonly input: unknown; readonly stop?: 'tool_use' | 'max_tokens' }
  /** Respond with text only and no tool call. */
  | { readonly kind: 'text'; readonly text: string }
  /** Respond with an error status, such as 529 overloaded or 500. */
  | { readonly kind: 'status'; readonly status: number }
  /** Accept the request and never answer. */
  | { readonly kind: 'hang' }
  /** Wait, then behave as `then`. */
  | { readonly kind: 'delay'; readonly ms: number; readonly then: MockBehaviour };

/** How one API dialect turns a behaviour into an HTTP answer. */
export interface MockDialect {
  readonly path: string;
  /** Answers 401 when the request's credentials are wrong; returns true when it did. */
  rejectCredentials(request: FastifyRequest, reply: FastifyReply): boolean;
  answer(behaviour: Exclude<MockBehaviour, { kind: 'hang' | 'delay' }>, request: ReceivedRequest, call: number): { status: number; body: unknown };
}

/** A loopback mock of an LLM API, started by a test on 127.0.0.1 with a free port. */
export interface MockLlmServer {
  /** Base URL for the SDK, for example http://127.0.0.1:40123. */
  readonly url: string;
  readonly received: ReceivedRequest[];
  /** Behaviours for the next requests, in order; after them the default applies. */
  queue(...behaviours: MockBehaviour[]): void;
  /** Sets the behaviour for requests after the queue is empty and clears the queue. */
  respond(behaviour: MockBehaviour): void;
  close(): Promise<void>;
}

async function play(
  dialect: MockDialect,
  behaviour: MockBehaviour,
  received: ReceivedRequest,
  call: number,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  if (behaviour.kind === 'hang') return undefined;
  if (behaviour.kind === 'delay') {
    await new Promise((resolve) => setTimeout(resolve, behaviour.ms));
    return play(dialect, behaviour.then, received, call, reply);
  }
  const { status, body } = dialect.answer(behaviour, received, call);
  return reply.code(status).header('content-type', 'application/json').send(body);
}

/** Starts a mock that speaks `dialect` on 127.0.0.1; every request is recorded before it is answered. */
export async function startMockLlmServer(dialect: MockDialect, initial: MockBehaviour, port = 0): Promise<MockLlmServer> {
  const app: FastifyInstance = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 16 * 1024 * 1024 });
  const received: ReceivedRequest[] = [];
  const queued: MockBehaviour[] = [];
  let fallback = initial;

  app.post(dialect.path, async (request, reply) => {
    if (dialect.rejectCredentials(request, reply)) return reply;
    const entry = { headers: request.headers, body: request.body as Record<string, unknown> };
    received.push(entry);
    const behaviour = queued.shift() ?? fallback;
    const answered = await play(dialect, behaviour, entry, received.length, reply);
    // A hanging request stays open until the client gives up or the mock closes.
    return answered ?? new Promise<never>(() => {});
  });

  const address = await app.listen({ host: '127.0.0.1', port });
  return {
    url: address,
    received,
    queue: (...behaviours) => queued.push(...behaviours),
    respond(behaviour) {
      queued.length = 0;
      fallback = behaviour;
    },
    close: () => app.close(),
  };
}
