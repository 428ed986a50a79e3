import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deliberator } from '../../deliberation/deliberator.ts';
import { DeliberationRequestSchema } from '../../deliberation/request.ts';
import { VerdictSchema } from '../../deliberation/verdict.ts';
import { errorResponses } from '../schemas.ts';

export const deliberationRoutes: FastifyPluginAsyncZod<{ deliberator: Deliberator }> = async (app, { deliberator }) => {
  app.post(
    '/v1/deliberations',
    {
      schema: {
        summary: 'Deliberate about a proposed agent action and return the committed verdict',
        body: DeliberationRequestSchema,
        response: { 200: VerdictSchema, ...errorResponses(400, 404, 413, 415, 422, 500, 503) },
      },
    },
    async (request, reply) => {
      const verdict = await deliberator.deliberate(request.body, request.log);
      // The Deliberator has already validated the verdict against VerdictSchema, so the
      // response skips a second zod pass; the schema above still documents the route.
      return reply.type('application/json; charset=utf-8').serializer(JSON.stringify).send(verdict);
    },
  );
};
