import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VerdictSchema, type Verdict } from '../../src/deliberation/verdict.ts';
import { MOCK_ANTHROPIC_KEY, startMockAnthropic } from '../helpers/mock-anthropic.ts';
import type { MockLlmServer } from '../helpers/mock-llm-server.ts';
import { judgeAnswer } from '../helpers/mock-verdict.ts';
import { requestBody, startTestService, type TestService } from '../helpers/service.ts';

let mock: MockLlmServer;
let service: TestService;

beforeAll(async () => {
  mock = await startMockAnthropic({ kind: 'verdict', input: judgeAnswer('allow') });
  // One SDK retry keeps the backoff, about half a second, short.
  service = await startTestService({
    GUARD_ENGINE: 'claude',
    ANTHROPIC_API_KEY: MOCK_ANTHROPIC_KEY,
    ANTHROPIC_BASE_URL: mock.url,
    GUARD_LLM_MAX_RETRIES: '1',
  });
});
afterAll(async () => {
  await service.stop();
  await mock.close();
});
beforeEach(() => {
  mock.received.length = 0;
  mock.respond({ kind: 'verdict', input: judgeAnswer('allow') });
});

async function deliberate(extra: Record<string, unknown> = {}): Promise<Verdict> {
  const response = await request(service.app.server)
    .post('/v1/deliberations')
    .send(requestBody('ls -la', 'List the files here', extra))
    .expect(200);
  return VerdictSchema.parse(response.body);
}

describe('LLM overload and server errors', () => {
  for (const status of [529, 429, 500]) {
    it(`retries a ${status} answer in the SDK and uses the next answer`, async () => {
      mock.queue({ kind: 'status', status });
      const verdict = await deliberate();

      expect(mock.received).toHaveLength(2);
      expect(verdict.decision).toBe('allow');
      expect(verdict.engine.decided_by).toBe('claude');
    });
  }

  it('hands a lasting 529 to the fail mode as llm_overloaded', async () => {
    mock.respond({ kind: 'status', status: 529 });
    const verdict = await deliberate();

    expect(mock.received).toHaveLength(2);
    expect(verdict.decision).toBe('escalate');
    expect(verdict.engine.fail_mode).toMatchObject({ mode: 'escalate', reason: 'llm_overloaded' });
  });

  it('hands a lasting 503 to the fail mode as llm_unavailable', async () => {
    mock.respond({ kind: 'status', status: 503 });
    const verdict = await deliberate();

    expect(verdict.decision).toBe('escalate');
    expect(verdict.engine.fail_mode).toMatchObject({ reason: 'llm_unavailable' });
    expect(verdict.engine.fail_mode?.detail).toContain('503');
  });

  it('stops retrying at the deadline', async () => {
    mock.respond({ kind: 'status', status: 529 });
    const verdict = await deliberate({ deadline_ms: 150 });

    // The SDK's first backoff is at least 375 ms, so the deadline ends it before a second call.
    expect(mock.received).toHaveLength(1);
    expect(verdict.engine.fail_mode).toMatchObject({ reason: 'llm_timeout' });
  });
});
