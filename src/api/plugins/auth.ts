import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Authenticator, AuthenticationError } from '../../auth/authenticator.ts';
import { presentedKey } from '../../auth/presented-key.ts';
import { hasScope, OPEN_PRINCIPAL, type Principal, type Scope } from '../../auth/scopes.ts';
import type { Config } from '../../config/config.ts';
import type { GuardMetrics } from '../../metrics/metrics.ts';
import { openKeyStore } from '../../store/open-key-store.ts';
import { GuardError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route needs. A matched route that sets neither this nor `public` needs `admin`. */
    scope?: Scope;
    /** Anyone may call the route, with no key: liveness, readiness and metrics. */
    public?: boolean;
    /** The handler checks scopes itself with `requireScope` (GraphQL does, per field). */
    scopeCheckedInHandler?: boolean;
    /**
     * A websocket upgrade of this route may come without a key, because browsers cannot set
     * headers on a websocket. The route's handler must then authenticate the key that arrives
     * over the socket (GraphQL reads it from the graphql-ws connection_init payload).
     */
    websocketKeyAfterUpgrade?: boolean;
  }
  interface FastifyRequest {
    /** The caller, set by the auth hook before any handler runs, or null on public routes. */
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Throws GUARD_ERR_FORBIDDEN unless the request's principal has the scope. */
    requireScope(request: FastifyRequest, scope: Scope): void;
    /**
     * Resolves the principal of a key that arrived outside the request headers, with the same
     * Authenticator as every request. Throws GUARD_ERR_UNAUTHENTICATED for a missing key (unless
     * the service runs open) and for a malformed, unknown or revoked one.
     */
    authenticateKey(key: string | undefined): Promise<Principal>;
    /**
     * Throws GUARD_ERR_UNAUTHENTICATED when the principal's key was revoked since it was
     * authenticated. A key found active is trusted for GUARD_KEY_RECHECK_MS. Long-lived
     * connections (GraphQL subscriptions) call it, because they authenticate only once.
     */
    assertKeyActive(principal: Principal | null): Promise<void>;
  }
}

/** Returns whether the request upgrades to a websocket on a route that authenticates after the upgrade. */
function isWebsocketUpgradeWithDeferredKey(request: FastifyRequest): boolean {
  return (
    request.routeOptions.config.websocketKeyAfterUpgrade === true &&
    request.method === 'GET' &&
    request.headers.upgrade?.toLowerCase() === 'websocket'
  );
}

/** The scope a matched route needs, or undefined when no route matched or the handler checks it. */
function requiredScope(request: FastifyRequest): Scope | undefined {
  const { config, url } = request.routeOptions;
  if (url === undefined || config.scopeCheckedInHandler) return undefined;
  return config.scope ?? 'admin';
}

function describeRoute(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;
}

/** Builds the 403 for a principal that lacks a scope; the message names the scope. */
function forbidden(request: FastifyRequest, principal: Principal, scope: Scope): GuardError {
  return new GuardError(
    'GUARD_ERR_FORBIDDEN',
    `the API key "${principal.keyId}" lacks the scope "${scope}" that ${describeRoute(request)} needs`,
    { required: scope, granted: principal.scopes },
  );
}

async function authPlugin(app: FastifyInstance, { config, metrics }: { config: Config; metrics: GuardMetrics }): Promise<void> {
  const keys = await openKeyStore(config);
  const authenticator = new Authenticator(keys, config.GUARD_AUTH, config.HOST);
  app.addHook('onClose', async () => keys.close());

  const state = await authenticator.startupState(config.HOST);
  if (state === 'open_no_keys') {
    app.log.warn(
      { host: config.HOST, auth: config.GUARD_AUTH },
      'authentication is open: no API key exists, so any local process may call every route; create one with "deliberation-guard keys create" to require keys',
    );
  } else if (state === 'open_auth_off') {
    app.log.warn({ host: config.HOST, auth: config.GUARD_AUTH }, 'authentication is off (GUARD_AUTH=off): any local process may call every route');
  } else {
    app.log.info({ auth: config.GUARD_AUTH }, 'authentication enforced: every route except health, readiness and metrics needs an API key');
  }

  app.decorateRequest('principal', null);
  app.decorate('requireScope', (request: FastifyRequest, scope: Scope) => {
    if (!request.principal) throw new GuardError('GUARD_ERR_UNAUTHENTICATED', `${describeRoute(request)} is public and carries no principal to hold the scope "${scope}"`);
    if (!hasScope(request.principal, scope)) throw forbidden(request, request.principal, scope);
  });

  // Key id to the time until which the key counts as active without another lookup.
  const activeUntil = new Map<string, number>();
  app.decorate('assertKeyActive', async (principal: Principal | null) => {
    if (!principal || (activeUntil.get(principal.keyId) ?? 0) > Date.now()) return;
    // An open connection stays open only while the service runs open, as for HTTP requests.
    const open = principal === OPEN_PRINCIPAL;
    if (open ? await authenticator.isOpen() : await authenticator.isKeyActive(principal.keyId)) {
      activeUntil.set(principal.keyId, Date.now() + config.GUARD_KEY_RECHECK_MS);
      return;
    }
    activeUntil.delete(principal.keyId);
    throw new GuardError(
      'GUARD_ERR_UNAUTHENTICATED',
      open
        ? 'the service requires API keys since this connection opened; reconnect with a key'
        : `the API key "${principal.keyId}" was revoked after this connection authenticated; reconnect with an active key`,
    );
  });

  app.decorate('authenticateKey', async (key: string | undefined) => {
    try {
      return await authenticator.authenticate(key);
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      metrics.authRejections.inc({ code: 'GUARD_ERR_UNAUTHENTICATED' });
      throw new GuardError('GUARD_ERR_UNAUTHENTICATED', error.message);
    }
  });

  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public) return;
    const key = presentedKey(request.headers);
    if (key === undefined && isWebsocketUpgradeWithDeferredKey(request)) {
      // The upgrade goes through with no principal (or the open one when no key is needed),
      // and the route's handler authenticates the key sent over the socket. A null principal
      // passes no scope check, so nothing runs on the socket until that key is accepted.
      request.principal = (await authenticator.isOpen()) ? OPEN_PRINCIPAL : null;
      return;
    }

    const scope = requiredScope(request);
    let principal: Principal;
    try {
      principal = await authenticator.authenticate(key);
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      metrics.authRejections.inc({ code: 'GUARD_ERR_UNAUTHENTICATED' });
      const needs = scope ? `; ${describeRoute(request)} needs a key with the scope "${scope}"` : '';
      throw new GuardError('GUARD_ERR_UNAUTHENTICATED', `${error.message}${needs}`, scope ? { required: scope } : undefined);
    }
    request.principal = principal;
    if (scope && !hasScope(principal, scope)) {
      metrics.authRejections.inc({ code: 'GUARD_ERR_FORBIDDEN' });
      throw forbidden(request, principal, scope);
    }
  });

  // A websocket upgrade that gets an HTTP response (a rejected key, for example) was rejected
  // before @fastify/websocket's own hooks ran, and nothing else closes its socket, because Node
  // hands upgrade sockets to their listener and stops tracking them. Left open, each one would
  // hold a connection and keep app.close() waiting. Upgrades that succeed hijack the reply and
  // never get here.
  app.addHook('onResponse', async (request) => {
    if (request.headers.upgrade?.toLowerCase() !== 'websocket') return;
    const socket = request.raw.socket;
    if (!socket.destroyed) socket.end(() => socket.destroy());
  });
}

/** Authenticates every request and checks the scope its route declares in `config.scope`. */
export const auth = fp(authPlugin, { name: 'guard-auth', fastify: '5.x' });
