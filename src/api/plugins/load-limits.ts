import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { Config } from '../../config/config.ts';
import type { GuardMetrics } from '../../metrics/metrics.ts';
import { GuardError } from '../errors.ts';
import { routeLabel } from './route-label.ts';

/** Retry-After value sent with a shed request, in seconds. */
const SHED_RETRY_AFTER_SECONDS = 5;

/** How often @fastify/under-pressure samples the event loop and heap, in milliseconds. */
const SAMPLE_INTERVAL_MS = 1000;

/**
 * Decides whether a request that arrives under pressure is shed. One over-limit sample is
 * tolerated, so a single stall (schema compilation at start-up, a long GC pause) rejects
 * nothing. Pressure reported for a whole sample interval or longer sheds load.
 */
function sustainedPressure(): () => boolean {
  let pressuredSince: number | undefined;
  let lastPressured = 0;
  return () => {
    const now = Date.now();
    if (pressuredSince === undefined || now - lastPressured > SAMPLE_INTERVAL_MS) pressuredSince = now;
    lastPressured = now;
    return now - pressuredSince >= SAMPLE_INTERVAL_MS;
  };
}

/** Rate-limit bucket: the API key, or the client address for requests that need none. */
function rateLimitKey(request: FastifyRequest): string {
  const keyId = request.principal?.keyId ?? 'open';
  return keyId === 'open' ? `address:${request.ip}` : `key:${keyId}`;
}

async function loadLimitsPlugin(app: FastifyInstance, { config, metrics }: { config: Config; metrics: GuardMetrics }): Promise<void> {
  // Shedding and rate limits run in onRequest, before a body is read or a verdict is started,
  // so a rejected request never has a verdict. A request that passed them runs to its commit.
  const shouldShed = sustainedPressure();
  await app.register(underPressure, {
    sampleInterval: SAMPLE_INTERVAL_MS,
    maxEventLoopDelay: config.GUARD_SHED_EVENT_LOOP_DELAY_MS,
    maxHeapUsedBytes: config.GUARD_SHED_HEAP_USED_BYTES,
    retryAfter: SHED_RETRY_AFTER_SECONDS,
    pressureHandler: async (request, reply, type) => {
      if (request.routeOptions.config.public || !shouldShed()) return;
      metrics.loadShed.inc({ reason: type });
      reply.header('retry-after', String(SHED_RETRY_AFTER_SECONDS));
      throw new GuardError(
        'GUARD_ERR_OVERLOADED',
        `the service is overloaded (${type} above its limit) and did not start the request; retry in ${SHED_RETRY_AFTER_SECONDS} seconds`,
      );
    },
  });

  if (config.GUARD_RATE_LIMIT_MAX === 0) return;
  await app.register(rateLimit, {
    global: true,
    max: config.GUARD_RATE_LIMIT_MAX,
    timeWindow: config.GUARD_RATE_LIMIT_WINDOW_MS,
    keyGenerator: rateLimitKey,
    allowList: (request) => request.routeOptions.config.public === true,
    onExceeded: (request) => metrics.rateLimitRejections.inc({ route: routeLabel(request) }),
    errorResponseBuilder: (_request, context) =>
      new GuardError(
        'GUARD_ERR_RATE_LIMITED',
        `rate limit exceeded: at most ${context.max} requests per ${config.GUARD_RATE_LIMIT_WINDOW_MS} ms for this API key (GUARD_RATE_LIMIT_MAX); retry in ${context.after}`,
        { limit: context.max, window_ms: config.GUARD_RATE_LIMIT_WINDOW_MS },
      ),
  });
}

/**
 * Load shedding (503 with Retry-After while the event loop or heap is over its limit) and the
 * per-key rate limit (429 with Retry-After). Register after `auth`, which sets the principal.
 */
export const loadLimits = fp(loadLimitsPlugin, { name: 'guard-load-limits', fastify: '5.x', dependencies: ['guard-auth'] });
