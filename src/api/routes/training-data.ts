import { Readable } from 'node:stream';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { LoadedConstitution } from '../../constitution/schema.ts';
import { exportTrainingData } from '../../harvest/export.ts';
import { VerdictFilterSchema, type VerdictStore } from '../../store/store.ts';
import { errorResponses } from '../schemas.ts';

export const trainingDataRoutes: FastifyPluginAsyncZod<{
  store: VerdictStore;
  constitutions: ReadonlyMap<string, LoadedConstitution>;
}> = async (app, { store, constitutions }) => {
  app.get(
    '/v1/training-data/export',
    {
      config: { scope: 'export' },
      schema: {
        summary: 'Stream training-eligible verdicts as NDJSON chat examples, oldest first',
        querystring: VerdictFilterSchema,
        produces: ['application/x-ndjson'],
        response: { 200: z.string().describe('NDJSON, one chat example per line'), ...errorResponses(400, 401, 403, 429, 503) },
      },
    },
    async (request, reply) => {
      const lines = Readable.from(exportTrainingData(store, constitutions, request.query));
      lines.on('error', (error) => request.log.error({ err: error }, 'training data export failed mid-stream'));
      // Fastify streams a Readable as it is; the 200 schema documents the lines and is not applied.
      return reply.type('application/x-ndjson; charset=utf-8').send(lines as unknown as string);
    },
  );
};
