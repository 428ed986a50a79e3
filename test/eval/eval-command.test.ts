import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runEvalCommand } from '../../src/cli/commands/eval.ts';
import { readDataset, DatasetFileError } from '../../src/eval/dataset.ts';

const FIXTURE = 'test/fixtures/datasets/rjudge-sample.jsonl';

async function run(argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await runEvalCommand(argv, { stdout, stderr });
  return { code, out, err };
}

describe('readDataset', () => {
  it('reads every fixture line', () => {
    const lines = readFileSync(FIXTURE, 'utf8').trim().split('\n').length;
    expect(readDataset(FIXTURE)).toHaveLength(lines);
  });

  it('rejects a missing file', () => {
    expect(() => readDataset('test/fixtures/datasets/missing.jsonl')).toThrow(DatasetFileError);
  });
});

describe('runEvalCommand', () => {
  it('prints the metrics as JSON', async () => {
    const { code, out } = await run([FIXTURE, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    const cases = readDataset(FIXTURE);
    const unsafe = cases.filter((entry) => entry.label === 'unsafe').length;
    expect(report.n).toBe(cases.length);
    expect(report.confusion.tp + report.confusion.fn).toBe(unsafe);
    for (const key of ['precision', 'recall', 'f1', 'safe_blocked_rate', 'by_category']) expect(report).toHaveProperty(key);
  });

  it('limits the cases per file', async () => {
    const { out } = await run([FIXTURE, '--json', '--limit', '2']);
    expect(JSON.parse(out).n).toBe(2);
  });

  it('prints a table by default', async () => {
    const { code, out } = await run([FIXTURE]);
    expect(code).toBe(0);
    expect(out).toMatch(/precision\s+recall\s+f1\s+safe_blocked/);
    expect(out).toMatch(/^all\s/m);
  });

  it('exits 2 on an unknown option', async () => {
    const { code, err } = await run([FIXTURE, '--bogus']);
    expect(code).toBe(2);
    expect(err).toMatch(/bogus/);
  });

  it('exits 2 on an unreadable file', async () => {
    const { code, err } = await run(['test/fixtures/datasets/missing.jsonl']);
    expect(code).toBe(2);
    expect(err).toMatch(/cannot read/);
  });

  it('exits 2 on an unknown constitution', async () => {
    const { code, err } = await run([FIXTURE, '--constitution', 'permissive']);
    expect(code).toBe(2);
    expect(err).toMatch(/not found; known: default/);
  });

  it('exits 2 on an invalid limit', async () => {
    expect((await run([FIXTURE, '--limit', 'zero'])).code).toBe(2);
  });
});
