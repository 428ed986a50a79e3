import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Verdict } from '../deliberation/verdict.ts';

/**
 * The service's Prometheus metrics, one registry per service instance. Every label value comes
 * from a closed set: enums of the verdict contract, loaded constitution ids, route templates,
 * error codes. Tool names, ids and request text never become labels, so the series count stays
 * fixed however many distinct requests arrive.
 */
export interface GuardMetrics {
  readonly registry: Registry;
  readonly verdicts: Counter<'decision' | 'constitution' | 'engine' | 'decided_by'>;
  readonly deliberationSeconds: Histogram<'engine'>;
  readonly storeWriteSeconds: Histogram<'operation'>;
  readonly storeFailures: Counter<'operation'>;
  readonly llmTokens: Counter<'engine' | 'kind'>;
  readonly llmErrors: Counter<'engine' | 'reason'>;
  readonly llmRetries: Counter<'engine'>;
  readonly failModeActivations: Counter<'constitution' | 'mode' | 'reason'>;
  readonly rateLimitRejections: Counter<'route'>;
  readonly loadShed: Counter<'reason'>;
  readonly authRejections: Counter<'code'>;
  readonly httpSeconds: Histogram<'method' | 'route' | 'status_code'>;
  readonly verdictCache: Counter<'result'>;
  readonly idempotentReplays: Counter;
  /** Counts one committed verdict; the deliberator calls it after the store commit. */
  observeVerdict(verdict: Verdict): void;
}

/** Creates a registry with the process defaults and every service metric. */
export function createMetrics(): GuardMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const metrics = {
    registry,
    verdicts: new Counter({
      name: 'guard_verdicts_total',
      help: 'Committed verdicts by decision, constitution, requested engine and what decided',
      labelNames: ['decision', 'constitution', 'engine', 'decided_by'] as const,
      registers,
    }),
    deliberationSeconds: new Histogram({
      name: 'guard_deliberation_duration_seconds',
      help: 'Time from the start of a deliberation to its committed verdict, in seconds',
      labelNames: ['engine'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    storeWriteSeconds: new Histogram({
      name: 'guard_store_write_duration_seconds',
      help: 'Time to commit a write to the verdict store, in seconds',
      labelNames: ['operation'] as const,
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    storeFailures: new Counter({
      name: 'guard_store_failures_total',
      help: 'Verdict store operations that failed, by operation',
      labelNames: ['operation'] as const,
      registers,
    }),
    llmTokens: new Counter({
      name: 'guard_llm_tokens_total',
      help: 'LLM tokens spent by committed verdicts, by engine and kind (input, output, cache_read, cache_write)',
      labelNames: ['engine', 'kind'] as const,
      registers,
    }),
    llmErrors: new Counter({
      name: 'guard_llm_errors_total',
      help: 'LLM calls that failed and handed the decision to the fail mode, by engine and reason',
      labelNames: ['engine', 'reason'] as const,
      registers,
    }),
    llmRetries: new Counter({
      name: 'guard_llm_retries_total',
      help: 'LLM calls retried after an invalid or failed answer, by engine',
      labelNames: ['engine'] as const,
      registers,
    }),
    failModeActivations: new Counter({
      name: 'guard_fail_mode_activations_total',
      help: 'Verdicts decided by the constitution fail mode, by constitution, mode and reason',
      labelNames: ['constitution', 'mode', 'reason'] as const,
      registers,
    }),
    rateLimitRejections: new Counter({
      name: 'guard_rate_limit_rejections_total',
      help: 'Requests rejected with 429 by the per-key rate limit, by route template',
      labelNames: ['route'] as const,
      registers,
    }),
    loadShed: new Counter({
      name: 'guard_load_shed_total',
      help: 'Requests rejected with 503 while shedding load, by the limit that was exceeded',
      labelNames: ['reason'] as const,
      registers,
    }),
    authRejections: new Counter({
      name: 'guard_auth_rejections_total',
      help: 'Requests rejected by authentication (401) or scope checks (403), by error code',
      labelNames: ['code'] as const,
      registers,
    }),
    httpSeconds: new Histogram({
      name: 'guard_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template (unmatched for unknown paths) and status code, in seconds',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers,
    }),
    verdictCache: new Counter({
      name: 'guard_verdict_cache_lookups_total',
      help: 'Verdict cache lookups by result (hit or miss); only counted while the cache is on',
      labelNames: ['result'] as const,
      registers,
    }),
    idempotentReplays: new Counter({
      name: 'guard_idempotent_replays_total',
      help: 'Requests answered with the verdict already stored for their Idempotency-Key',
      registers,
    }),
  };

  return { ...metrics, observeVerdict: (verdict) => observeVerdict(metrics, verdict) };
}

function observeVerdict(metrics: Omit<GuardMetrics, 'observeVerdict'>, verdict: Verdict): void {
  const { engine, constitution } = verdict;
  metrics.verdicts.inc({ decision: verdict.decision, constitution: constitution.id, engine: engine.id, decided_by: engine.decided_by });
  // created_at is the moment the deliberation started, so this spans engine, stamping and commit.
  metrics.deliberationSeconds.observe({ engine: engine.id }, Math.max(0, Date.now() - Date.parse(verdict.created_at)) / 1000);

  if (engine.tokens) {
    for (const kind of ['input', 'output', 'cache_read', 'cache_write'] as const) {
      if (engine.tokens[kind] > 0) metrics.llmTokens.inc({ engine: engine.id, kind }, engine.tokens[kind]);
    }
  }
  if (engine.retries > 0) metrics.llmRetries.inc({ engine: engine.id }, engine.retries);
  if (engine.fail_mode) {
    const { mode, reason } = engine.fail_mode;
    metrics.failModeActivations.inc({ constitution: constitution.id, mode, reason });
    if (reason !== 'not_configured') metrics.llmErrors.inc({ engine: engine.id, reason });
  }
}
