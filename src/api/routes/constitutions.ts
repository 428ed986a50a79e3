import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ConstitutionSchema, type LoadedConstitution } from '../../constitution/schema.ts';
import type { Deliberator } from '../../deliberation/deliberator.ts';
import { errorResponses } from '../schemas.ts';

const ConstitutionSummarySchema = z.object({
  id: z.string(),
  version: z.string(),
  title: z.string(),
  description: z.string(),
  sha256: z.string(),
});

function summarize({ spec, sha256 }: LoadedConstitution): z.infer<typeof ConstitutionSummarySchema> {
  return { id: spec.id, version: spec.version, title: spec.title, description: spec.description, sha256 };
}

export const constitutionRoutes: FastifyPluginAsyncZod<{ deliberator: Deliberator }> = async (app, { deliberator }) => {
  app.get(
    '/v1/constitutions',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'List the loaded constitutions',
        response: { 200: z.object({ items: z.array(ConstitutionSummarySchema) }), ...errorResponses(401, 403, 429, 503) },
      },
    },
    async () => ({ items: [...deliberator.constitutions.values()].map(summarize) }),
  );

  app.get(
    '/v1/constitutions/:id',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Read one constitution in full',
        params: z.object({ id: z.string().max(128) }),
        response: { 200: ConstitutionSchema.extend({ sha256: z.string() }), ...errorResponses(401, 403, 404, 429, 503) },
      },
    },
    async (request) => {
      const loaded = deliberator.resolveConstitution(request.params.id);
      return { ...loaded.spec, sha256: loaded.sha256 };
    },
  );
};
