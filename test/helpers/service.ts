import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import { loadConfig } from '../../src/config/config.ts';
import type { Verdict } from '../../src/deliberation/verdict.ts';
import { createService, type Service } from '../../src/service.ts';

/** A running service on a fresh SQLite file in a temp folder, with its log lines captured. */
export interface TestService extends Service {
  readonly dir: string;
  readonly databaseFile: string;
  /** Every pino line the service wrote, as raw JSON text. */
  readonly logLines: string[];
  stop(): Promise<void>;
}

/** Collects pino output in memory so tests can read what was logged. */
export function captureStream(lines: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter((line) => line.length > 0));
      callback();
    },
  });
}

/** Starts the real app (not listening; use `app.inject` or supertest on `app.server`). */
export async function startTestService(env: Record<string, string> = {}): Promise<TestService> {
  const dir = mkdtempSync(join(tmpdir(), 'guard-test-'));
  const databaseFile = join(dir, 'verdicts.sqlite');
  const config = loadConfig({
    DATABASE_URL: `sqlite:${databaseFile}`,
    GUARD_CONSTITUTIONS_DIR: join(import.meta.dirname, '../../constitutions'),
    LOG_LEVEL: 'info',
    ...env,
  });
  const logLines: string[] = [];
  const service = await createService(config, captureStream(logLines));
  await service.app.ready();
  return {
    ...service,
    dir,
    databaseFile,
    logLines,
    async stop() {
      await service.app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A minimal valid deliberation request body; override parts per test. */
export function requestBody(command: string, userRequest: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    constitution: 'default',
    action: { tool: 'Bash', input: { command } },
    context: { user_request: userRequest, history: [{ role: 'user', content: userRequest }] },
    ...extra,
  };
}

/** Posts a deliberation request to a test service, expects 200 and returns the verdict. */
export async function postDeliberation(service: TestService, body: Record<string, unknown>): Promise<Verdict> {
  const response = await request(service.app.server).post('/v1/deliberations').send(body).expect(200);
  return response.body as Verdict;
}
