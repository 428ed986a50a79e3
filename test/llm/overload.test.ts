import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { VerdictSchema, type Verdict } from '../../src/deliberation/verdict.ts';
import { useGuardWithMockAnthropic } from '../helpers/mock-guard.ts';
import { judgeAnswer } from '../helpers/mock-verdict.ts';
import { requestBody } from '../helpers/service.ts';

const guard = useGuardWithMockAnthropic(
  { kind: 'verdict', input: judgeAnswer('allow') },
  () => ({ GUARD_LLM_MAX_RETRIES: '1' }),
);

async function deliberate(extra: Record<string, unknown> = {}): Promise<Verdict> {
  const response = await request(guard.service.app.server)
    .post('/v1/deliberations')
    .send(requestBody('ls -la', 'List the files here', extra))
    .expect(200);
  return VerdictSchema.parse(response.body);
}

describe('LLM overload and server errors', () => {
  for (const status of [529, 429, 500]) {
    it(`retries a ${status} answer in the SDK and uses the next answer`, async () => {
      guard.mock.queue({ kind: 'status', status });
      const verdict = await deliberate();

      expect(guard.mock.received).toHaveLength(2);
      expect(verdict.decision).toBe('allow');
      expect(verdict.engine.decided_by).toBe('claude');
    });
  }

  it('hands a lasting 529 to the fail mode as llm_overloaded', async () => {
    guard.mock.respond({ kind: 'status', status: 529 });
    const verdict = await deliberate();

    expect(guard.mock.received).toHaveLength(2);
    expect(verdict.decision).toBe('escalate');
    expect(verdict.engine.fail_mode).toMatchObject({ mode: 'escalate', reason: 'llm_overloaded' });
  });

  it('hands a lasting 503 to the fail mode as llm_unavailable', async () => {
    guard.mock.respond({ kind: 'status', status: 503 });
    const verdict = await deliberate();

    expect(verdict.decision).toBe('escalate');
    expect(verdict.engine.fail_mode).toMatchObject({ reason: 'llm_unavailable' });
    expect(verdict.engine.fail_mode?.detail).toContain('503');
  });

  it('stops retrying at the deadline', async () => {
    guard.mock.respond({ kind: 'status', status: 529 });
    const verdict = await deliberate({ deadline_ms: 150 });

    // The SDK's first backoff is at least 375 ms, so the deadline ends it before a second call.
    expect(guard.mock.received).toHaveLength(1);
    expect(verdict.engine.fail_mode).toMatchObject({ reason: 'llm_timeout' });
  });
});
