import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { FastifyPluginAsync } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import mercurius from 'mercurius';
import type { Config } from '../config/config.ts';
import { GuardError } from '../api/errors.ts';
import { authenticateConnection, buildConnectionContext, toSubscriptionError } from './connection-auth.ts';
import { buildContext } from './context.ts';
import { checkOperationScopes } from './scopes.ts';
import { formatErrors } from './errors.ts';
import { costLimitRule, depthLimitRule } from './limits.ts';
import { createLoaders, createResolvers, type ResolverDependencies } from './resolvers.ts';

/** The SDL; the schema is written first and the resolvers follow it. */
export const SCHEMA_FILE = new URL('../../schema/guard.graphql', import.meta.url);

export interface GraphqlOptions extends ResolverDependencies {
  readonly config: Config;
}

const GRAPHQL_PATHS = ['/graphql', '/graphiql'];

/**
 * Serves GraphQL at /graphql (queries and mutations over HTTP, subscriptions over a
 * websocket on the same path) and GraphiQL at /graphiql outside production.
 */
const graphqlPlugin: FastifyPluginAsync<GraphqlOptions> = async (app, { config, store, deliberator }) => {
  // The app compiles zod schemas; Mercurius declares its routes with JSON Schema, so they
  // get their own compilers.
  const ajv = new Ajv({ coerceTypes: 'array', useDefaults: true, removeAdditional: true });
  const jsonSchemaCompilers = {
    validatorCompiler: ({ schema }: { schema: object }) => ajv.compile(schema),
    serializerCompiler: () => (data: unknown) => JSON.stringify(data),
  };
  // GraphQL has its own schema; the OpenAPI document describes the REST routes only.
  app.addHook('onRoute', (route) => {
    if (!GRAPHQL_PATHS.some((path) => route.url.startsWith(path))) return;
    route.schema = { ...route.schema, hide: true };
    // /graphql checks scopes per operation, and its websocket authenticates in connection_init
    // (see connection-auth.ts). The GraphiQL page and its files are public, because they carry
    // no data and a browser cannot send a key to load them. Its queries go to /graphql.
    route.config = route.url.startsWith('/graphql')
      ? { ...route.config, scopeCheckedInHandler: true, websocketKeyAfterUpgrade: true }
      : { ...route.config, public: true };
  });

  await app.register(mercurius, {
    additionalRouteOptions: jsonSchemaCompilers,
    schema: readFileSync(SCHEMA_FILE, 'utf8'),
    resolvers: createResolvers({ store, deliberator }),
    loaders: createLoaders({ store, deliberator }),
    context: (request) => buildContext(request),
    subscription: {
      context: (_socket, request) => buildConnectionContext(request),
      onConnect: ({ payload }) => authenticateConnection(app, payload),
    },
    graphiql: config.NODE_ENV !== 'production',
    // The cost depends on the variables (page sizes), so validation runs for every request
    // and Mercurius's parsed-query cache, which skips validation, stays off.
    cache: false,
    validationRules: ({ variables }) => [
      depthLimitRule(config.GUARD_GRAPHQL_MAX_DEPTH),
      costLimitRule(config.GUARD_GRAPHQL_MAX_COST, variables),
    ],
    errorFormatter: formatErrors,
  });
  app.graphql.addHook('preExecution', async (_schema, document, context) => {
    checkOperationScopes(document, context.principal);
  });
  app.graphql.addHook('preSubscriptionExecution', async (_schema, document, context) => {
    try {
      if (context.authenticationError) throw context.authenticationError;
      checkOperationScopes(document, context.principal);
    } catch (error) {
      throw error instanceof GuardError ? toSubscriptionError(error) : error;
    }
  });
};

/**
 * Not encapsulated, so `app.graphql.pubsub` is reachable from the root app, where
 * createService publishes committed verdicts.
 */
export const graphqlRoutes = fastifyPlugin(graphqlPlugin, { name: 'graphql' });
