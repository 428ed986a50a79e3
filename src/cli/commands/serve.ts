import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/config.ts';
import { logEngineSetup } from '../../deliberation/engines.ts';
import { createService } from '../../service.ts';
import { EXIT, type CommandIo } from '../io.ts';

export const SERVE_HELP = `Usage: deliberation-guard serve

Starts the HTTP service. Configuration comes from the environment:
  HOST, PORT                 where to listen (default 127.0.0.1:8787)
  DATABASE_URL               sqlite:PATH or a postgres:// URL (default sqlite:./data/verdicts.sqlite)
  GUARD_ENGINE               default engine (default rubric)
  GUARD_CONSTITUTIONS_DIR    constitution folder (default ./constitutions)
  ANTHROPIC_API_KEY          enables the claude and cascade engines (docs/engines.md lists the rest)
  LOG_LEVEL                  pino level (default info)

Exits 0 after SIGTERM or SIGINT, 1 when the service cannot start (an invalid setting, or an
address it cannot listen on).
`;

/** Starts the service and resolves when it has stopped after SIGTERM or SIGINT. */
export async function runServeCommand(argv: string[], io: CommandIo): Promise<number> {
  parseArgs({ args: argv, options: {}, strict: true });
  const config = loadConfig(io.env);
  const { app, logger } = await createService(config);

  try {
    await app.listen({ host: config.HOST, port: config.PORT });
  } catch (error) {
    // Close the store and its writer thread, or they would keep the process alive after the
    // CLI prints the error.
    await app.close();
    throw error;
  }
  logger.info(
    { host: config.HOST, port: config.PORT, engine: config.GUARD_ENGINE, database: config.DATABASE_URL.split(':')[0] },
    'deliberation guard listening',
  );
  logEngineSetup(logger, config);

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'shutting down: finishing in-flight requests');
      app.close().then(
        () => {
          logger.info('stopped');
          resolve();
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          resolve();
        },
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  return EXIT.ok;
}
