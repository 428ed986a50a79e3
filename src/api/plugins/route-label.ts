import type { FastifyRequest } from 'fastify';

/** The route template of a request for metric labels; every unmatched path shares one value. */
export function routeLabel(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}
