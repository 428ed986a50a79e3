import type { DestinationStream, Logger } from 'pino';
import { buildApp, type GuardApp } from './api/app.ts';
import type { Config } from './config/config.ts';
import { createCore, type Core } from './core.ts';
import { publishVerdict } from './graphql/live-verdicts.ts';
import { createLogger } from './logger.ts';

export interface Service extends Core {
  readonly app: GuardApp;
  readonly logger: Logger;
}

/** Wires the core into a ready HTTP app (not listening yet). */
export async function createService(config: Config, logDestination?: DestinationStream): Promise<Service> {
  const logger = createLogger(config.LOG_LEVEL, logDestination, { redact: config.GUARD_REDACT_LOGS });
  const core = await createCore(config);
  const app = await buildApp({ config, logger, ...core });
  // Subscriptions get every verdict committed to the store, by this instance or, on a shared
  // PostgreSQL database, by any other.
  await core.store.watchCommitted((verdict) => publishVerdict(app.graphql.pubsub, verdict, app.log), app.log);
  return { ...core, app, logger };
}
