import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { GuardMetrics } from '../../metrics/metrics.ts';
import { routeLabel } from './route-label.ts';

/** Methods kept as label values; any other method is counted as `other`. */
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

async function metricsPlugin(app: FastifyInstance, { metrics }: { metrics: GuardMetrics }): Promise<void> {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpSeconds.observe(
      {
        method: METHODS.has(request.method) ? request.method : 'other',
        route: routeLabel(request),
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  // Public: the labels carry no ids, user text or tool names, and scrapers rarely hold keys.
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}

/** Serves Prometheus metrics at /metrics and times every HTTP request by route template. */
export const metricsRoutes = fp(metricsPlugin, { name: 'guard-metrics', fastify: '5.x' });
