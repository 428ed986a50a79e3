import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { FACTOR_IDS, VerdictSchema, type Verdict } from '../../src/deliberation/verdict.ts';
import { regressionCase } from '../helpers/cases.ts';
import { useGuardWithMockAnthropic } from '../helpers/mock-guard.ts';
import type { MockBehaviour } from '../helpers/mock-llm-server.ts';
import { judgeAnswer } from '../helpers/mock-verdict.ts';

const guard = useGuardWithMockAnthropic({ kind: 'verdict', input: judgeAnswer('deny') });

const valid = judgeAnswer('deny');
const factors = valid.factors as Array<{ id: string; score: number }>;

/** The faults the mock repeats on the retry, with the reason and the fields the retry must name. */
const VARIANTS: Array<{ name: string; fault: MockBehaviour; reason: string; names: string[] }> = [
  {
    name: 'a: cut off at max_tokens with 3 of 8 factors and no decision',
    fault: { kind: 'verdict', stop: 'max_tokens', input: { factors: factors.slice(0, 3) } },
    reason: 'truncated_output',
    names: ['limit of 4096 output tokens', 'factors: missing breadth', 'decision: ', 'shorter'],
  },
  {
    name: 'b: tool input is a JSON array',
    fault: { kind: 'verdict', input: [valid] },
    reason: 'invalid_output',
    names: ['expected object, received array'],
  },
  {
    name: "c: decision 'approve'",
    fault: { kind: 'verdict', input: { ...valid, decision: 'approve' } },
    reason: 'invalid_output',
    names: ['decision: Invalid option'],
  },
  {
    name: 'd: a factor score of 1.7',
    fault: { kind: 'verdict', input: { ...valid, factors: factors.map((factor, index) => (index === 2 ? { ...factor, score: 1.7 } : factor)) } },
    reason: 'invalid_output',
    names: ['factors.2.score'],
  },
  {
    name: 'e: a text block only, no tool call',
    fault: { kind: 'text', text: 'I think this is fine, go ahead.' },
    reason: 'invalid_output',
    names: ['no record_verdict call', 'I think this is fine'],
  },
];

/** Joins the text blocks of the user message in the mock's call `index`. */
function userText(index: number): string {
  const messages = guard.mock.received[index]?.body.messages as Array<{ content: Array<{ text: string }> }> | undefined;
  return messages?.[0]?.content.map((block) => block.text).join('\n') ?? '';
}

/** The prod-database cleanup request of the malformed-output case (its only step). */
const body = regressionCase('CASE-06').request.steps[0]?.http?.body;

async function deliberate(): Promise<Verdict> {
  const response = await request(guard.service.app.server).post('/v1/deliberations').send(body).expect(200);
  return VerdictSchema.parse(response.body);
}

describe('malformed LLM output: truncated or schema-invalid', () => {
  for (const variant of VARIANTS) {
    it(`retries once, then the fail mode decides (${variant.name})`, async () => {
      guard.mock.respond(variant.fault);
      const verdict = await deliberate();

      expect(guard.mock.received).toHaveLength(2);
      expect(userText(0)).not.toContain('previous answer');
      for (const name of variant.names) expect(userText(1)).toContain(name);
      expect(verdict.decision).toBe('escalate');
      expect(verdict.engine).toMatchObject({ id: 'claude', decided_by: 'fail_mode', retries: 1 });
      expect(verdict.engine.fail_mode).toMatchObject({ mode: 'escalate', reason: variant.reason });
      expect(verdict.training).toMatchObject({ eligible: false });
      expect(verdict.engine.tokens?.output).toBeGreaterThan(0);
    });
  }

  it('uses an answer that is correct on the retry and notes the retry', async () => {
    guard.mock.respond({ kind: 'verdict', input: judgeAnswer('deny') });
    guard.mock.queue({ kind: 'verdict', input: { ...valid, factors: factors.slice(0, 7) } });
    const verdict = await deliberate();

    expect(guard.mock.received).toHaveLength(2);
    expect(userText(1)).toContain(`factors: missing ${FACTOR_IDS[7]}`);
    expect(verdict.decision).toBe('deny');
    expect(verdict.engine).toMatchObject({ decided_by: 'claude', retries: 1 });
    expect(verdict.engine.fail_mode).toBeUndefined();
    expect(verdict.training.eligible).toBe(true);
  });

  it('keeps the cut-off verdicts out of the training export', async () => {
    guard.mock.respond(VARIANTS[0]!.fault);
    const cutOff = await deliberate();
    guard.mock.respond({ kind: 'verdict', input: judgeAnswer('deny') });
    const complete = await deliberate();

    const exported = await request(guard.service.app.server).get('/v1/training-data/export').expect(200);
    expect(exported.text).toContain(complete.id);
    expect(exported.text).not.toContain(cutOff.id);
  });
});
