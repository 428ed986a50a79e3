import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPAWN_TIMEOUT_MS, childEnv, runCli, type CliResult } from '../integrations/helpers.ts';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'guard-cli-errors-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return childEnv({ DATABASE_URL: `sqlite:${join(dir, 'verdicts.sqlite')}`, ...extra });
}

/** Checks that stderr is one line starting with the command, with no stack trace. */
function expectOneLine(result: CliResult, command: string): string {
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^deliberation-guard ${command}: `));
  expect(result.stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

describe('deliberate errors', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('reports a missing request file with exit 2', async () => {
    const missing = join(dir, 'does-not-exist.json');
    const result = await runCli(['deliberate', missing], '', env());
    expect(result.code).toBe(2);
    const line = expectOneLine(result, 'deliberate');
    expect(line).toContain(missing);
    expect(line).toContain('no such file or directory');
    expect(result.stdout).toBe('');
  });

  it('reports an unknown constitution with exit 2', async () => {
    const request = JSON.stringify({ constitution: 'nope', action: { tool: 'Bash', input: { command: 'ls' } } });
    const result = await runCli(['deliberate'], request, env());
    expect(result.code).toBe(2);
    const line = expectOneLine(result, 'deliberate');
    expect(line).toContain('"nope"');
    expect(line).toContain('default');
  });

  it('calls an absent field missing', async () => {
    const result = await runCli(['deliberate'], JSON.stringify({ action: { tool: 'Bash' } }), env());
    expect(result.code).toBe(2);
    expect(expectOneLine(result, 'deliberate')).toContain('action.input: missing required field');
  });

  it('rejects an unpaired surrogate', async () => {
    const request = JSON.stringify({ action: { tool: 'Bash', input: { command: 'ls \ud800' } } });
    expect(request).toContain('\\ud800');
    const result = await runCli(['deliberate'], request, env());
    expect(result.code).toBe(2);
    const line = expectOneLine(result, 'deliberate');
    expect(line).toContain('action.input.command: contains an unpaired UTF-16 surrogate');
    expect(result.stdout).toBe('');
  });

  it('documents its exit codes', async () => {
    const result = await runCli(['deliberate', '--help'], '', env());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/2 when\s+FILE cannot be read/);
  });
});

describe('serve errors', { timeout: SPAWN_TIMEOUT_MS }, () => {
  let busy: Server;
  let port: number;

  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    port = (busy.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => busy.close(() => resolve()));
  });

  it('reports a port in use', async () => {
    const result = await runCli(['serve'], '', env({ HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'error' }));
    expect(result.code).toBe(1);
    const line = expectOneLine(result, 'serve');
    expect(line).toContain(`127.0.0.1:${port}`);
    expect(line).toContain('address already in use');
    expect(line).toContain('PORT');
  });

  it('rejects sqlite::memory: as configuration', async () => {
    const result = await runCli(['serve'], '', childEnv({ DATABASE_URL: 'sqlite::memory:', PORT: '0' }));
    expect(result.code).toBe(1);
    const line = expectOneLine(result, 'serve');
    expect(line).toContain('invalid configuration: DATABASE_URL');
    expect(line).toContain('sqlite:PATH');
  });
});
