import { Readable } from 'node:stream';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { LoadedConstitution } from '../../constitution/schema.ts';
import { DatasetCardSchema } from '../../harvest/card.ts';
import { harvestExamples, HarvestRun } from '../../harvest/export.ts';
import { HarvestOptionsSchema } from '../../harvest/options.ts';
import type { VerdictStore } from '../../store/store.ts';
import { errorResponses } from '../schemas.ts';

const EXPORT_PATH = '/v1/training-data/export';

/** Returns the query string of a request URL, for the command a card records. */
function queryOf(url: string): string {
  const index = url.indexOf('?');
  return index === -1 ? '' : url.slice(index);
}

export const trainingDataRoutes: FastifyPluginAsyncZod<{
  store: VerdictStore;
  constitutions: ReadonlyMap<string, LoadedConstitution>;
}> = async (app, { store, constitutions }) => {
  app.get(
    EXPORT_PATH,
    {
      config: { scope: 'export' },
      schema: {
        summary: 'Stream curated, redacted training examples as JSON Lines, oldest verdict first',
        description:
          'Only LLM-written traces unless include_rubric=true or engine=rubric. Opted-out and fail-mode verdicts are never exported. ' +
          'GET /v1/training-data/card with the same query returns the dataset card.',
        querystring: HarvestOptionsSchema,
        produces: ['application/x-ndjson'],
        response: { 200: z.string().describe('JSON Lines, one example per line in the chosen format'), ...errorResponses(400, 401, 403, 429, 503) },
      },
    },
    async (request, reply) => {
      const run = HarvestRun.start(request.query, `GET ${request.url}`);
      const lines = Readable.from(
        (async function* () {
          for await (const line of harvestExamples(store, constitutions, run)) yield line.text;
        })(),
      );
      lines.on('error', (error) => request.log.error({ err: error }, 'training data export failed mid-stream'));
      // Fastify streams a Readable as it is; the 200 schema documents the lines and is not applied.
      return reply.type('application/x-ndjson; charset=utf-8').send(lines as unknown as string);
    },
  );

  app.get(
    '/v1/training-data/card',
    {
      config: { scope: 'export' },
      schema: {
        summary: 'Return the dataset card of the export that the same query would stream',
        querystring: HarvestOptionsSchema,
        response: { 200: DatasetCardSchema, ...errorResponses(400, 401, 403, 429, 503) },
      },
    },
    async (request) => {
      const run = HarvestRun.start(request.query, `GET ${EXPORT_PATH}${queryOf(request.url)}`);
      for await (const _line of harvestExamples(store, constitutions, run));
      return run.summarise(true);
    },
  );
};
