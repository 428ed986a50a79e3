import { randomUUID } from 'node:crypto';
import Fastify, { LogController } from 'fastify';
import swagger from '@fastify/swagger';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { Deliberator } from '../deliberation/deliberator.ts';
import type { GuardMetrics } from '../metrics/metrics.ts';
import type { VerdictStore } from '../store/store.ts';
import { GuardError } from './errors.ts';
import { handleError } from './error-handler.ts';
import { auth } from './plugins/auth.ts';
import { jsonBody } from './plugins/json-body.ts';
import { loadLimits } from './plugins/load-limits.ts';
import { metricsRoutes } from './plugins/metrics.ts';
import { constitutionRoutes } from './routes/constitutions.ts';
import { deliberationRoutes } from './routes/deliberations.ts';
import { healthRoutes } from './routes/health.ts';
import { hookRoutes } from './routes/hooks.ts';
import { trainingDataRoutes } from './routes/training-data.ts';
import { verdictRoutes } from './routes/verdicts.ts';
import { graphqlRoutes } from '../graphql/plugin.ts';
import { dashboardRoutes } from '../dashboard/plugin.ts';

export interface AppOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: VerdictStore;
  readonly deliberator: Deliberator;
  readonly metrics: GuardMetrics;
}

/** Builds the HTTP app with every route registered. Only the entry point calls `listen`. */
export async function buildApp({ config, logger, store, deliberator, metrics }: AppOptions) {
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: config.GUARD_MAX_BODY_BYTES,
    requestTimeout: config.GUARD_REQUEST_TIMEOUT_MS,
    connectionTimeout: config.GUARD_CONNECTION_TIMEOUT_MS,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // One line per request, written when it completes (below), instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    handleError(new GuardError('GUARD_ERR_ROUTE_NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`), request, reply),
  );
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Deliberation Guard',
        version: '0.1.0',
        description: 'Deliberates about an AI agent action under a constitution and returns a verdict.',
      },
    },
    transform: jsonSchemaTransform,
  });

  await app.register(jsonBody, { config });
  await app.register(auth, { config, metrics });
  await app.register(loadLimits, { config, metrics });
  await app.register(metricsRoutes, { metrics });
  await app.register(healthRoutes, { store, constitutionCount: deliberator.constitutions.size });
  await app.register(deliberationRoutes, { deliberator, store, metrics, config });
  await app.register(verdictRoutes, { store });
  await app.register(constitutionRoutes, { deliberator });
  await app.register(hookRoutes, { deliberator });
  await app.register(trainingDataRoutes, { store, constitutions: deliberator.constitutions });
  await app.register(graphqlRoutes, { config, store, deliberator });
  await app.register(dashboardRoutes);

  app.addHook('onClose', async () => store.close());
  return app;
}

export type GuardApp = Awaited<ReturnType<typeof buildApp>>;
