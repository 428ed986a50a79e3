import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { regressionCase, stepBody } from '../helpers/cases.ts';
import { postDeliberation, startChildService, storedVerdictIds, type ChildService, type Outcome } from './child-service.ts';

const running: ChildService[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const child of running.splice(0)) {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await child.exited;
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDatabase(): string {
  const dir = mkdtempSync(join(tmpdir(), 'guard-crash-'));
  dirs.push(dir);
  return join(dir, 'verdicts.sqlite');
}

async function start(databaseFile: string, env: Record<string, string> = {}): Promise<ChildService> {
  const child = await startChildService(databaseFile, env);
  running.push(child);
  return child;
}

/**
 * Sends `total` requests with `concurrency` workers and calls `onProgress` after each response,
 * so a test can crash or stop the service mid-load. Returns every outcome.
 */
async function load(baseUrl: string, body: unknown, total: number, concurrency: number, onProgress: (outcomes: Outcome[]) => void): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let sent = 0;
  async function worker(): Promise<void> {
    while (sent < total) {
      sent += 1;
      outcomes.push(await postDeliberation(baseUrl, body));
      onProgress(outcomes);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return outcomes;
}

function acknowledged(outcomes: Outcome[]): string[] {
  return outcomes.flatMap((outcome) => (outcome.kind === 'verdict' ? [outcome.id] : []));
}

describe('crash safety', () => {
  it('keeps every acknowledged verdict after SIGKILL mid-load', async () => {
    const databaseFile = tempDatabase();
    const first = await start(databaseFile);
    const body = stepBody('CASE-11', 'burst');

    let killed = false;
    const outcomes = await load(first.baseUrl, body, 2000, 8, (done) => {
      if (!killed && acknowledged(done).length >= 100) {
        killed = true;
        first.process.kill('SIGKILL');
      }
    });
    expect(await first.exited).toBe('SIGKILL');
    const acked = acknowledged(outcomes);
    expect(acked.length).toBeGreaterThanOrEqual(100);
    // Requests after the kill failed at the network level; none got a verdict id.
    expect(outcomes.some((outcome) => outcome.kind === 'network_error')).toBe(true);

    const second = await start(databaseFile);
    const stored = await storedVerdictIds(second.baseUrl);
    const missing = acked.filter((id) => !stored.has(id));
    expect(missing).toEqual([]);
  }, 120_000);
});

describe('graceful shutdown (CASE-11)', () => {
  it('finishes in-flight requests on SIGTERM and loses no acknowledged verdict', async () => {
    const steps = regressionCase('CASE-11').request.steps;
    const burst = steps.find((step) => step.label === 'burst') as { repeat: number; concurrency: number };
    const databaseFile = tempDatabase();
    const first = await start(databaseFile, { LOG_LEVEL: 'info' });

    let signalled = false;
    const outcomes = await load(first.baseUrl, stepBody('CASE-11', 'burst'), burst.repeat, burst.concurrency, (done) => {
      if (!signalled && done.length >= 100) {
        signalled = true;
        first.process.kill('SIGTERM');
      }
    });
    expect(await first.exited).toBe(0);
    expect(first.output.join('')).toContain('"msg":"stopped"');
    expect(first.output.join('')).not.toContain('GUARD_ERR_INTERNAL');

    // A request either got its verdict, a 503 (shed under load, or refused while closing), or
    // no connection at all once the server stopped listening.
    const statuses = new Set(outcomes.flatMap((outcome) => (outcome.kind === 'status' ? [outcome.status] : [])));
    expect([...statuses].filter((status) => status !== 503)).toEqual([]);
    const acked = acknowledged(outcomes);
    expect(acked.length).toBeGreaterThanOrEqual(100);

    const second = await start(databaseFile);
    const stored = await storedVerdictIds(second.baseUrl);
    expect(acked.filter((id) => !stored.has(id))).toEqual([]);
    // Nothing was committed behind a caller's back: every stored verdict reached its caller.
    expect([...stored].filter((id) => !acked.includes(id))).toEqual([]);
  }, 120_000);
});
