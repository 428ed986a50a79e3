import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ReviewInputSchema } from '../../store/review.ts';
import { VerdictFilterSchema, type StoredVerdict, type VerdictStore } from '../../store/store.ts';
import { GuardError } from '../errors.ts';
import { VerdictRecordSchema, errorResponses } from '../schemas.ts';

/** Page size when the caller sets none, and the largest one accepted. */
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

const ListQuerySchema = VerdictFilterSchema.extend({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: z.string().regex(/^vrd_[0-9A-Z]{26}$/, 'a verdict id from next_cursor').optional(),
});

/** The `:id` path parameter of the single-verdict routes. */
const VerdictIdParamsSchema = z.object({ id: z.string().max(64) });

function toRecord({ verdict, request, review }: StoredVerdict): z.infer<typeof VerdictRecordSchema> {
  return review ? { ...verdict, request, review } : { ...verdict, request };
}

function notFound(id: string): GuardError {
  return new GuardError('GUARD_ERR_VERDICT_NOT_FOUND', `no verdict has the id "${id}"`);
}

export const verdictRoutes: FastifyPluginAsyncZod<{ store: VerdictStore }> = async (app, { store }) => {
  app.get(
    '/v1/verdicts/:id',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Read one verdict with the request that produced it',
        params: VerdictIdParamsSchema,
        response: { 200: VerdictRecordSchema, ...errorResponses(401, 403, 404, 429, 503) },
      },
    },
    async (request) => {
      const record = await store.get(request.params.id);
      if (!record) throw notFound(request.params.id);
      return toRecord(record);
    },
  );

  app.post(
    '/v1/verdicts/:id/review',
    {
      config: { scope: 'review' },
      schema: {
        summary: 'Record a human review of a verdict: agree, or the corrected decision',
        params: VerdictIdParamsSchema,
        body: ReviewInputSchema,
        response: { 200: VerdictRecordSchema, ...errorResponses(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request) => {
      const review = { ...request.body, reviewed_at: new Date().toISOString() };
      const record = await store.review(request.params.id, review);
      if (!record) throw notFound(request.params.id);
      request.log.info({ verdictId: request.params.id, outcome: review.outcome }, 'review recorded');
      return toRecord(record);
    },
  );

  app.get(
    '/v1/verdicts',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'List verdicts newest first, with filters and cursor pagination',
        querystring: ListQuerySchema,
        response: {
          200: z.object({ items: z.array(VerdictRecordSchema), next_cursor: z.string().optional() }),
          ...errorResponses(400, 401, 403, 429, 503),
        },
      },
    },
    async (request) => {
      const { limit, cursor, ...filter } = request.query;
      const page = await store.list(filter, { limit, ...(cursor ? { cursor } : {}) });
      return { items: page.items.map(toRecord), ...(page.nextCursor ? { next_cursor: page.nextCursor } : {}) };
    },
  );
};
