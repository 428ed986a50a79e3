import { z } from 'zod';
import { DeliberationRequestSchema } from '../deliberation/request.ts';
import { VerdictSchema } from '../deliberation/verdict.ts';
import { ReviewSchema } from '../store/review.ts';
import { ERROR_CATALOG, type ErrorCode } from './errors.ts';

/** A stored verdict as the API returns it: the verdict and the request that produced it. */
export const VerdictRecordSchema = VerdictSchema.extend({
  request: DeliberationRequestSchema,
  review: ReviewSchema.optional(),
});

export const ErrorResponseSchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_CATALOG) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

/** Error responses a route can send, keyed by status, for its schema. */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorResponseSchema> {
  return Object.fromEntries(statuses.map((status) => [status, ErrorResponseSchema]));
}
