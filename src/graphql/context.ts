import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { GuardError } from '../api/errors.ts';
import type { Principal } from '../auth/scopes.ts';

/** What every resolver receives about its caller, besides Mercurius's own fields. */
export interface GuardContext {
  readonly log: FastifyBaseLogger;
  readonly requestId: string;
  /** The API key the request authenticated with; the auth plugin sets it for every request. */
  readonly principal: Principal | null;
  /**
   * Why a websocket connection has no principal: its key was missing, malformed, unknown or
   * revoked. Every subscription on it fails with this error. Unset on HTTP requests.
   */
  readonly authenticationError?: GuardError | undefined;
}

/**
 * Builds the resolver context of one HTTP request or websocket connection: the single place
 * where a request becomes a GraphQL caller.
 * The auth plugin has already authenticated the key; scopes are checked per operation in
 * scopes.ts, because one route serves queries, mutations and subscriptions.
 */
export function buildContext(request: FastifyRequest): GuardContext {
  return { log: request.log, requestId: request.id, principal: request.principal ?? null };
}

declare module 'mercurius' {
  // Resolvers see the fields buildContext adds next to Mercurius's own.
  interface MercuriusContext extends GuardContext {}
}
