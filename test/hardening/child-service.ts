import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/deliberation-guard.js');

/** The real service in a child process, listening on 127.0.0.1. */
export interface ChildService {
  readonly process: ChildProcess;
  readonly baseUrl: string;
  /** Everything the child wrote to stdout and stderr (pino lines and warnings). */
  readonly output: string[];
  /** Resolves with the exit code, or the signal name when a signal ended it. */
  readonly exited: Promise<number | string>;
}

/** Finds a port that is free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address for the probe server');
  return address.port;
}

/** Starts `deliberation-guard serve` on a SQLite file and waits until /healthz returns 200. */
export async function startChildService(databaseFile: string, env: Record<string, string> = {}): Promise<ChildService> {
  const port = await freePort();
  const child = spawn(process.execPath, [bin, 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: `sqlite:${databaseFile}`,
      GUARD_CONSTITUTIONS_DIR: join(root, 'constitutions'),
      GUARD_RATE_LIMIT_MAX: '0',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code ?? -1)));

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode} before it was ready: ${output.join('')}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the service did not answer /healthz within 60 s: ${output.join('')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { process: child, baseUrl, output, exited };
}

/** Ids of every verdict the service has stored, read page by page over the API. */
export async function storedVerdictIds(baseUrl: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | undefined;
  do {
    const response = await fetch(`${baseUrl}/v1/verdicts?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
    if (!response.ok) throw new Error(`GET /v1/verdicts answered ${response.status}`);
    const page = (await response.json()) as { items: Array<{ id: string }>; next_cursor?: string };
    for (const item of page.items) ids.add(item.id);
    cursor = page.next_cursor;
  } while (cursor);
  return ids;
}

/** The outcome of one deliberation request sent during a crash or shutdown test. */
export type Outcome = { kind: 'verdict'; id: string } | { kind: 'status'; status: number } | { kind: 'network_error' };

/** Posts one deliberation request and classifies what came back. */
export async function postDeliberation(baseUrl: string, body: unknown): Promise<Outcome> {
  try {
    const response = await fetch(`${baseUrl}/v1/deliberations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status === 200) return { kind: 'verdict', id: ((await response.json()) as { id: string }).id };
    await response.arrayBuffer();
    return { kind: 'status', status: response.status };
  } catch {
    return { kind: 'network_error' };
  }
}
