import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { VerdictStore } from '../../store/store.ts';

const ReadinessSchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({ store: z.string(), constitutions: z.string() }),
});

export const healthRoutes: FastifyPluginAsyncZod<{ store: VerdictStore; constitutionCount: number }> = async (
  app,
  { store, constitutionCount },
) => {
  app.get(
    '/healthz',
    { config: { public: true }, schema: { summary: 'Liveness: the process answers', response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: {
        summary: 'Readiness: the store can be written and constitutions are loaded',
        response: { 200: ReadinessSchema, 503: ReadinessSchema },
      },
    },
    async (request, reply) => {
      let storeCheck = 'ok';
      try {
        await store.ping();
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check: store unavailable');
        storeCheck = 'unavailable';
      }
      const constitutionsCheck = constitutionCount > 0 ? 'ok' : 'none loaded';
      const ready = storeCheck === 'ok' && constitutionsCheck === 'ok';
      return reply
        .status(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not_ready', checks: { store: storeCheck, constitutions: constitutionsCheck } });
    },
  );
};
