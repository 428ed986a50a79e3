/**
 * One benchmark target in a process of its own, started by scripts/bench.ts:
 *   bench-server.ts bare              a Fastify route that parses the JSON body and returns a constant
 *   bench-server.ts service URL       the real service on DATABASE_URL=URL with the rubric engine
 * Both use the service's pino set-up at level info, so request logging costs the same, and
 * write the log to /dev/null. The process prints its base URL on stdout once it listens, and
 * answers every IPC message with its process.cpuUsage().
 */
import { join } from 'node:path';
import Fastify from 'fastify';
import pino from 'pino';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/logger.ts';
import { createService } from '../src/service.ts';

const LOG_LEVEL = 'info';

async function buildTarget(mode: string | undefined, databaseUrl: string | undefined) {
  const destination = pino.destination({ dest: '/dev/null', sync: false });
  if (mode === 'bare') {
    const app = Fastify({ loggerInstance: createLogger(LOG_LEVEL, destination) });
    app.post('/v1/deliberations', async () => ({ decision: 'allow' }));
    return app;
  }
  if (mode === 'service' && databaseUrl) {
    const config = loadConfig({
      DATABASE_URL: databaseUrl,
      GUARD_ENGINE: 'rubric',
      GUARD_CONSTITUTIONS_DIR: join(import.meta.dirname, '../constitutions'),
      LOG_LEVEL,
      // High enough that no request is rejected, so the per-key limiter's cost is still measured.
      GUARD_RATE_LIMIT_MAX: '1000000000',
    });
    return (await createService(config, destination)).app;
  }
  throw new Error(`usage: bench-server.ts bare | bench-server.ts service DATABASE_URL (got ${mode ?? 'nothing'})`);
}

const app = await buildTarget(process.argv[2], process.argv[3]);
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${url}\n`);
// The parent asks for the CPU time used so far, to compute the CPU cost of a request.
process.on('message', () => process.send?.(process.cpuUsage()));
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
