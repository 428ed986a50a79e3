import type { DestinationStream, Logger } from 'pino';
import { buildApp, type GuardApp } from './api/app.ts';
import { bindingIdempotencyKeys } from './api/replay/idempotent-append.ts';
import type { Config } from './config/config.ts';
import { loadConstitutions } from './constitution/loader.ts';
import { Deliberator, type DeliberatorOptions } from './deliberation/deliberator.ts';
import { publishVerdict } from './graphql/live-verdicts.ts';
import { createEngines } from './deliberation/engines.ts';
import { createLogger } from './logger.ts';
import { instrumentStore } from './metrics/instrumented-store.ts';
import { createMetrics, type GuardMetrics } from './metrics/metrics.ts';
import { openStore } from './store/open-store.ts';
import type { VerdictStore } from './store/store.ts';

export interface Core {
  readonly deliberator: Deliberator;
  readonly store: VerdictStore;
  readonly metrics: GuardMetrics;
}

/** Loads constitutions, creates engines and opens the store; what every entry point shares. */
export async function createCore(config: Config, hooks: Pick<DeliberatorOptions, 'onVerdict'> = {}): Promise<Core> {
  const constitutions = loadConstitutions(config.GUARD_CONSTITUTIONS_DIR);
  const engines = createEngines(config);
  const metrics = createMetrics();
  const store = instrumentStore(await openStore(config.DATABASE_URL), metrics);
  const deliberator = new Deliberator({
    constitutions,
    engines,
    // Lets POST /v1/deliberations commit a verdict and its Idempotency-Key in one transaction.
    store: bindingIdempotencyKeys(store),
    defaultEngine: config.GUARD_ENGINE,
    defaultDeadlineMs: config.GUARD_DEFAULT_DEADLINE_MS,
    redactStorage: config.GUARD_REDACT_STORAGE,
    onVerdict: (verdict) => {
      metrics.observeVerdict(verdict);
      hooks.onVerdict?.(verdict);
    },
  });
  return { deliberator, store, metrics };
}

export interface Service extends Core {
  readonly app: GuardApp;
  readonly logger: Logger;
}

/** Wires the core into a ready HTTP app (not listening yet). */
export async function createService(config: Config, logDestination?: DestinationStream): Promise<Service> {
  const logger = createLogger(config.LOG_LEVEL, logDestination, { redact: config.GUARD_REDACT_LOGS });
  // The deliberator is created before the app, and requests reach it only through the app,
  // so `app` is always set by the time a verdict is committed.
  let app: GuardApp | undefined;
  const core = await createCore(config, {
    onVerdict: (verdict) => {
      if (app) publishVerdict(app.graphql.pubsub, verdict, app.log);
    },
  });
  app = await buildApp({ config, logger, ...core });
  return { ...core, app, logger };
}
