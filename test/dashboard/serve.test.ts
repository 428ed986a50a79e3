import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

let child: ChildProcess;
let baseUrl: string;

/** Finds a free loopback port by letting the OS pick one and releasing it. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port was assigned');
  return address.port;
}

// Runs the service as `npm start` does, under plain Node and tsx rather than vitest, whose
// module loader hides mistakes such as named imports that Node cannot resolve.
beforeAll(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'guard-serve-'));
  child = spawn(process.execPath, ['bin/deliberation-guard.js', 'serve'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), DATABASE_URL: `sqlite:${join(dir, 'verdicts.sqlite')}`, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // tsx transpiles the sources on start, which takes tens of seconds on a busy 2-core machine.
  for (let attempt = 0; attempt < 900; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}: ${stderr}`);
    const ready = await fetch(`${baseUrl}/healthz`).then((response) => response.ok, () => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the service did not start within 90 s: ${stderr}`);
}, 120_000);
afterAll(() => {
  child?.kill('SIGTERM');
});

describe('served by npm start', () => {
  it('answers GraphQL after a REST deliberation', async () => {
    const posted = await fetch(`${baseUrl}/v1/deliberations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: { tool: 'Bash', input: { command: 'ls' } }, context: { user_request: 'list the files' } }),
    });
    expect(posted.status).toBe(200);
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ statistics { total } verdicts(first: 1) { edges { node { id } } } }' }),
    });
    const body = (await response.json()) as { data: { statistics: { total: number } } };
    expect(body.data.statistics.total).toBe(1);

    const invalid = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ nope }' }),
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('GUARD_ERR_VALIDATION');
  });

  it('serves the dashboard without outside assets', async () => {
    const page = await fetch(`${baseUrl}/dashboard`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(assets.filter((url) => !url?.startsWith('data:'))).toEqual(['/dashboard/app.css', '/dashboard/app.js']);

    const script = await fetch(`${baseUrl}/dashboard/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    const code = await script.text();
    expect(code).toContain('verdict_committed');
    expect(code).not.toMatch(/unpkg\.com|jsdelivr|cdnjs|googleapis/);

    const styles = await fetch(`${baseUrl}/dashboard/app.css`);
    expect(styles.headers.get('content-type')).toContain('text/css');
    expect(await styles.text()).toContain('.verdict-row');
  });
});
