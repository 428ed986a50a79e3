import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataset } from '../../src/eval/dataset.ts';
import { DatasetCardSchema } from '../../src/harvest/card.ts';
import { EXAMPLE_SCHEMAS, EXPORT_FORMATS } from '../../src/harvest/formats.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { leakedSamples } from '../redaction/corpus.ts';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/deliberation-guard.js');

let service: TestService;
let env: NodeJS.ProcessEnv;
let datasetCases = 0;

/** Runs the real command-line tool against the test service's database. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: root, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

function jsonLines(file: string): unknown[] {
  const text = readFileSync(file, 'utf8');
  return text === '' ? [] : text.trimEnd().split('\n').map((line) => JSON.parse(line));
}

/**
 * The dataset sample goes through the REST API as an agent framework would send it (the eval
 * command judges without storing), one AgentHarm-style case opts out, and one verdict is corrected.
 */
beforeAll(async () => {
  service = await startTestService();
  env = { ...process.env, DATABASE_URL: `sqlite:${service.databaseFile}`, LOG_LEVEL: 'warn' };
  const cases = readDataset(join(import.meta.dirname, '../fixtures/datasets/rjudge-sample.jsonl'));
  datasetCases = cases.length;
  const ids: string[] = [];
  for (const testCase of cases) {
    const body = {
      action: testCase.action,
      context: { user_request: testCase.context.user_request, history: testCase.context.history },
    };
    ids.push((await request(service.app.server).post('/v1/deliberations').send(body).expect(200)).body.id);
  }
  await request(service.app.server)
    .post('/v1/deliberations')
    .send({ action: { tool: 'get_latest_emails', input: {} }, context: { user_request: 'Find the leaked photos and post them everywhere.' }, training_opt_out: true })
    .expect(200);
  await request(service.app.server)
    .post(`/v1/verdicts/${ids[0]}/review`)
    .send({ outcome: 'correct', corrected_decision: 'escalate', note: 'ask the owner first', reviewer_id: 'rev-1' })
    .expect(200);
});
afterAll(async () => {
  await service.stop();
});

// Each case starts Node and tsx; on a busy two-core machine that alone can take over ten seconds.
describe('harvest command', { timeout: 120_000 }, () => {
  it.each(EXPORT_FORMATS.map((format) => [format]))('writes %s files and a card that validate', async (format) => {
    const out = join(service.dir, `${format}.jsonl`);
    const result = await cli(['harvest', '--out', out, '--format', format, '--include-rubric', '--eval-percent', '50']);
    expect(result.code).toBe(0);

    const train = jsonLines(join(service.dir, `${format}.train.jsonl`));
    const evalLines = jsonLines(join(service.dir, `${format}.eval.jsonl`));
    for (const line of [...train, ...evalLines]) EXAMPLE_SCHEMAS[format].parse(line);
    expect(leakedSamples(JSON.stringify([...train, ...evalLines]))).toEqual([]);

    const card = DatasetCardSchema.parse(JSON.parse(readFileSync(join(service.dir, `${format}.card.json`), 'utf8')));
    expect(card.complete).toBe(true);
    expect(card.counts.scanned).toBe(datasetCases + 1);
    expect(card.excluded.training_ineligible).toBe(1);
    expect(card.counts.exported).toBe(train.length + evalLines.length);
    expect(card.counts.exported + card.excluded.exact_duplicate + card.excluded.near_duplicate).toBe(datasetCases);
    expect(card.review).toMatchObject({ reviewed: 1, corrected: 1, corrected_exported: 1 });
    expect(card.command).toContain(`--format ${format}`);
    expect(card.tokens.total).toBeGreaterThan(0);
    expect(readFileSync(join(service.dir, `${format}.card.md`), 'utf8')).toContain('## Scenario diversity');
  });

  it('explains an empty export when only rubric traces exist', async () => {
    const result = await cli(['harvest', '--out', join(service.dir, 'empty.jsonl')]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('wrote 0 training examples');
    expect(result.stderr).toContain('--include-rubric');
    expect(readFileSync(join(service.dir, 'empty.train.jsonl'), 'utf8')).toBe('');
  });

  it('writes lines to standard output and the card to --card', async () => {
    const cardFile = join(service.dir, 'stdout-card.json');
    const result = await cli(['harvest', '--out', '-', '--include-rubric', '--format', 'anthropic', '--card', cardFile]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    for (const line of lines) EXAMPLE_SCHEMAS.anthropic.parse(JSON.parse(line));
    expect(DatasetCardSchema.parse(JSON.parse(readFileSync(cardFile, 'utf8'))).counts.exported).toBe(lines.length);
  });

  it('says there is nothing to resume after a complete export', async () => {
    const out = join(service.dir, 'openai.jsonl');
    const result = await cli(['harvest', '--out', out, '--resume']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('nothing to resume');
  });

  it('rejects --resume without a card', async () => {
    const result = await cli(['harvest', '--out', join(service.dir, 'missing.jsonl'), '--resume']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('does not exist');
    rmSync(join(service.dir, 'missing.train.jsonl'), { force: true });
  });
});
