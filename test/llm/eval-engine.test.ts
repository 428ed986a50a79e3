import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvalCommand } from '../../src/cli/commands/eval.ts';
import { readDataset } from '../../src/eval/dataset.ts';
import { MOCK_ANTHROPIC_KEY, startMockAnthropic } from '../helpers/mock-anthropic.ts';
import type { MockLlmServer } from '../helpers/mock-llm-server.ts';
import { judgeAnswer } from '../helpers/mock-verdict.ts';

const FIXTURE = 'test/fixtures/datasets/rjudge-sample.jsonl';

let mock: MockLlmServer;

beforeAll(async () => {
  mock = await startMockAnthropic({ kind: 'verdict', input: judgeAnswer('escalate') });
});
afterAll(async () => {
  await mock.close();
});

async function evaluate(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await runEvalCommand(argv, { stdout, stderr, env });
  return { code, out, err };
}

describe('eval --engine', () => {
  it('counts the cases each cascade tier settled', async () => {
    const env = { ANTHROPIC_API_KEY: MOCK_ANTHROPIC_KEY, ANTHROPIC_BASE_URL: mock.url };
    const { code, out } = await evaluate([FIXTURE, '--engine', 'cascade', '--json'], env);
    const report = JSON.parse(out);

    expect(code).toBe(0);
    expect(report.engine).toBe('cascade');
    expect(report.tiers.rubric + report.tiers.llm).toBe(readDataset(FIXTURE).length);
    expect(report.tiers.llm).toBe(mock.received.length);
    expect(report.decided_by.claude ?? 0).toBe(mock.received.length);
  });

  it('prints the tiers under the table', async () => {
    const env = { ANTHROPIC_API_KEY: MOCK_ANTHROPIC_KEY, ANTHROPIC_BASE_URL: mock.url };
    const { out } = await evaluate([FIXTURE, '--engine', 'cascade', '--limit', '3'], env);
    expect(out).toMatch(/^engine cascade; decided by: .+; tiers: /m);
  });

  it('exits 2 for an unknown or unconfigured engine', async () => {
    const unknown = await evaluate([FIXTURE, '--engine', 'gpt'], {});
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('invalid --engine "gpt"');

    const unconfigured = await evaluate([FIXTURE, '--engine', 'claude'], {});
    expect(unconfigured.code).toBe(2);
    expect(unconfigured.err).toContain('the claude engine is not configured');
  });
});
