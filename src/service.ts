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
