import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { z } from 'zod';
import { GuardError } from '../api/errors.ts';
import { presentedKey } from '../auth/presented-key.ts';
import type { Principal } from '../auth/scopes.ts';
import { buildContext, type GuardContext } from './context.ts';

/**
 * The graphql-ws connection_init payload (the client's `connectionParams`). It carries the key
 * in the same fields as HTTP headers, because a browser cannot set headers on a websocket.
 * Other fields are allowed and ignored.
 */
const ConnectionParamsSchema = z
  .looseObject({
    authorization: z.string({ error: 'authorization must be a string of the form "Bearer <key>"' }).optional(),
    'x-api-key': z.string({ error: 'x-api-key must be a string' }).optional(),
  })
  .nullish();

const MISSING_KEY_MESSAGE =
  'missing API key: send it in the connection_init payload as {"authorization": "Bearer <key>"} (graphql-ws connectionParams), or as "Authorization: Bearer <key>" on the websocket upgrade request';

/** The principal (or the rejection) found in connection_init, which Mercurius merges over the connection's context. */
type ConnectionAuthentication = Pick<GuardContext, 'principal' | 'authenticationError'>;

/**
 * Builds the context of a websocket connection. The upgrade request carries a principal when it
 * sent a valid key header or the service runs open. Otherwise the connection has none until
 * connection_init brings a key, and the missing key is recorded as the reason.
 */
export function buildConnectionContext(request: FastifyRequest): GuardContext {
  const context = buildContext(request);
  if (context.principal) return context;
  return { ...context, authenticationError: new GuardError('GUARD_ERR_UNAUTHENTICATED', MISSING_KEY_MESSAGE, { required: 'read' }) };
}

/** Lower-cases the payload's field names, as HTTP does for header names. */
function lowerCaseKeys(payload: unknown): unknown {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return payload;
  return Object.fromEntries(Object.entries(payload).map(([name, value]) => [name.toLowerCase(), value]));
}

/**
 * Authenticates the key in a connection_init payload, for Mercurius's subscription `onConnect`.
 * Returns true when the payload carries no key, so the connection keeps the principal of its
 * upgrade request. Otherwise returns the fields Mercurius merges into the subscription context:
 * the key's principal, or no principal and the reason.
 *
 * A rejected key does not close the connection, because Mercurius would then send a
 * `connection_error` message that the graphql-transport-ws protocol does not define, and clients
 * would see a protocol error instead of the error code. Every subscription on such a connection
 * fails with GUARD_ERR_UNAUTHENTICATED instead, so nothing is streamed to it.
 */
export async function authenticateConnection(app: FastifyInstance, payload: unknown): Promise<ConnectionAuthentication | true> {
  const params = ConnectionParamsSchema.safeParse(lowerCaseKeys(payload));
  if (!params.success) {
    const reason = params.error.issues.map((issue) => issue.message).join('; ');
    return { principal: null, authenticationError: new GuardError('GUARD_ERR_UNAUTHENTICATED', `invalid connection_init payload: ${reason}`) };
  }

  const key = presentedKey(params.data ?? {});
  if (key === undefined) return true;
  try {
    const principal: Principal = await app.authenticateKey(key);
    return { principal, authenticationError: undefined };
  } catch (error) {
    if (!(error instanceof GuardError)) throw error;
    return { principal: null, authenticationError: error };
  }
}

/**
 * Converts a GuardError for the websocket. Mercurius sends errors of a subscription's start
 * without the error formatter, so the catalogue code must already sit in `extensions`.
 */
export function toSubscriptionError(error: GuardError): GraphQLError {
  return new GraphQLError(error.message, { extensions: { code: error.code, ...(error.details ? { details: error.details } : {}) } });
}
