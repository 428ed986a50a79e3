import type { FastifyBaseLogger, FastifyRequest } from 'fastify';

/** What every resolver receives about its caller, besides Mercurius's own fields. */
export interface GuardContext {
  readonly log: FastifyBaseLogger;
  readonly requestId: string;
}

/**
 * Builds the resolver context of one HTTP request or websocket connection: the single place
 * where a request becomes a GraphQL caller.
 *
 * NOTE: GraphQL has no authentication yet. When REST gains API-key scopes, this builder is
 * where the key is read and its scopes put on the context; resolvers then check a read scope
 * for queries and subscriptions and a review scope for `review_verdict`.
 */
export function buildContext(request: FastifyRequest): GuardContext {
  return { log: request.log, requestId: request.id };
}

declare module 'mercurius' {
  // Resolvers see the fields buildContext adds next to Mercurius's own.
  interface MercuriusContext extends GuardContext {}
}
