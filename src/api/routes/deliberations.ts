import { z } from 'zod';
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Config } from '../../config/config.ts';
import type { Deliberator } from '../../deliberation/deliberator.ts';
import { DeliberationRequestSchema, type DeliberationRequest } from '../../deliberation/request.ts';
import { VerdictSchema, type Verdict } from '../../deliberation/verdict.ts';
import { verdictJson } from '../../deliberation/verdict-json.ts';
import type { GuardMetrics } from '../../metrics/metrics.ts';
import type { KeyBinding, VerdictStore } from '../../store/store.ts';
import { canonicalHash } from '../replay/canonical-hash.ts';
import { IdempotencyKeys } from '../replay/idempotency.ts';
import { VerdictCache } from '../replay/verdict-cache.ts';
import { errorResponses } from '../schemas.ts';

const HeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'must be 1 to 255 visible ASCII characters')
    .optional()
    .describe('Retries with the same key and body return the verdict of the first request; no second verdict is stored'),
});

export interface DeliberationRouteOptions {
  readonly deliberator: Deliberator;
  readonly store: VerdictStore;
  readonly metrics: GuardMetrics;
  readonly config: Config;
}

/** Picks the interval between deletions of expired Idempotency-Key bindings: the TTL, kept between a minute and an hour. */
function keyCleanupIntervalMs(ttlMs: number): number {
  return Math.min(Math.max(ttlMs, 60_000), 3_600_000);
}

export const deliberationRoutes: FastifyPluginAsyncZod<DeliberationRouteOptions> = async (app, { deliberator, store, metrics, config }) => {
  const idempotency = new IdempotencyKeys(store, config.GUARD_IDEMPOTENCY_TTL_MS);
  // Lookups already ignore expired bindings; the cleanup only keeps the table small. Every
  // instance runs it, and a DELETE that finds nothing costs one index probe.
  const keyCleanup = setInterval(() => {
    idempotency.deleteExpired().then(
      (count) => {
        if (count > 0) app.log.info({ count }, 'deleted expired Idempotency-Key bindings');
      },
      (error: unknown) => app.log.warn({ err: error }, 'failed to delete expired Idempotency-Key bindings; retrying at the next interval'),
    );
  }, keyCleanupIntervalMs(config.GUARD_IDEMPOTENCY_TTL_MS));
  keyCleanup.unref();
  app.addHook('onClose', async () => clearInterval(keyCleanup));
  const cache = config.GUARD_VERDICT_CACHE_TTL_MS > 0 ? new VerdictCache(config.GUARD_VERDICT_CACHE_TTL_MS, config.GUARD_CACHE_MAX_ENTRIES) : undefined;

  async function load(id: string): Promise<Verdict | undefined> {
    return (await store.get(id))?.verdict;
  }

  /**
   * Deliberates and commits a new verdict (with `binding`, bound to the Idempotency-Key), or
   * returns the live cached verdict for an identical input when the cache is on and marks the
   * reply with `x-guard-cache: hit`. `committed` is true for a new verdict and false for a cached one.
   */
  async function deliberateOrReuse(
    request: DeliberationRequest,
    log: FastifyBaseLogger,
    reply: FastifyReply,
    binding?: KeyBinding,
  ): Promise<{ verdict: Verdict; committed: boolean }> {
    if (!cache) return { verdict: await deliberator.deliberate(request, log, binding), committed: true };
    const key = VerdictCache.key({
      constitutionSha256: deliberator.resolveConstitution(request.constitution).sha256,
      engine: deliberator.resolveEngine(request.engine).id,
      request,
    });
    const cachedId = cache.lookup(key);
    const cached = cachedId ? await load(cachedId) : undefined;
    metrics.verdictCache.inc({ result: cached ? 'hit' : 'miss' });
    if (cached) {
      log.info({ verdictId: cached.id }, 'verdict cache hit: returning the stored verdict');
      reply.header('x-guard-cache', 'hit');
      return { verdict: cached, committed: false };
    }
    if (cachedId) cache.forget(key);
    const verdict = await deliberator.deliberate(request, log, binding);
    cache.remember(key, verdict);
    return { verdict, committed: true };
  }

  app.post(
    '/v1/deliberations',
    {
      config: { scope: 'deliberate' },
      schema: {
        summary: 'Deliberate about a proposed agent action and return the committed verdict',
        headers: HeadersSchema,
        body: DeliberationRequestSchema,
        response: { 200: VerdictSchema, ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429, 500, 503) },
      },
    },
    async (request, reply) => {
      const idempotencyKey = request.headers['idempotency-key'];
      let verdict: Verdict;
      if (idempotencyKey === undefined) {
        verdict = (await deliberateOrReuse(request.body, request.log, reply)).verdict;
      } else {
        const result = await idempotency.run(
          { owner: request.principal?.keyId ?? 'open', key: idempotencyKey, bodyHash: canonicalHash(request.body) },
          (binding) => deliberateOrReuse(request.body, request.log, reply, binding),
        );
        if (result.replayed) {
          metrics.idempotentReplays.inc();
          request.log.info({ verdictId: result.verdict.id }, 'idempotent replay: returning the stored verdict');
          reply.header('idempotent-replayed', 'true');
        }
        verdict = result.verdict;
      }
      // Every verdict here passed VerdictSchema before it was stored, so the response skips a
      // second zod pass; the schema above still documents the route.
      return reply.type('application/json; charset=utf-8').serializer(verdictJson).send(verdict);
    },
  );
};
