import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verdictInputSchema } from '../../src/deliberation/llm/judge-answer.ts';
import { VerdictSchema, type Verdict } from '../../src/deliberation/verdict.ts';
import type { MockLlmServer } from '../helpers/mock-llm-server.ts';
import { MOCK_OPENAI_KEY, startMockOpenAi } from '../helpers/mock-openai.ts';
import { judgeAnswer } from '../helpers/mock-verdict.ts';
import { requestBody, startTestService, type TestService } from '../helpers/service.ts';

let mock: MockLlmServer;
const services = new Map<'tools' | 'json_schema', TestService>();

beforeAll(async () => {
  mock = await startMockOpenAi({ kind: 'verdict', input: judgeAnswer('allow') });
  for (const output of ['tools', 'json_schema'] as const) {
    const service = await startTestService({
      GUARD_ENGINE: 'openai-compatible',
      GUARD_OPENAI_BASE_URL: `${mock.url}/v1`,
      GUARD_OPENAI_API_KEY: MOCK_OPENAI_KEY,
      GUARD_OPENAI_MODEL: 'qwen3-32b',
      GUARD_OPENAI_OUTPUT: output,
      GUARD_LLM_TEMPERATURE: '0.2',
      GUARD_LLM_MAX_RETRIES: '0',
    });
    services.set(output, service);
  }
});
afterAll(async () => {
  for (const service of services.values()) await service.stop();
  await mock.close();
});
beforeEach(() => {
  mock.received.length = 0;
  mock.respond({ kind: 'verdict', input: judgeAnswer('allow') });
});

async function deliberate(output: 'tools' | 'json_schema' = 'tools'): Promise<Verdict> {
  const service = services.get(output);
  if (!service) throw new Error(`no service for output mode ${output}`);
  const response = await request(service.app.server)
    .post('/v1/deliberations')
    .send(requestBody('ls -la', 'List the files here'))
    .expect(200);
  return VerdictSchema.parse(response.body);
}

function messagesOf(index: number): Array<{ role: string; content: string }> {
  return mock.received[index]?.body.messages as Array<{ role: string; content: string }>;
}

describe('openai-compatible engine', () => {
  it('forces the verdict function and records tokens', async () => {
    const verdict = await deliberate();
    const body = mock.received[0]?.body ?? {};

    expect(verdict.decision).toBe('allow');
    expect(verdict.engine).toMatchObject({ id: 'openai-compatible', decided_by: 'openai-compatible', model: 'qwen3-32b' });
    expect(verdict.engine.tokens?.input).toBeGreaterThan(0);
    expect(verdict.engine.tokens?.output).toBeGreaterThan(0);
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'record_verdict' } });
    expect(body.tools).toEqual([
      expect.objectContaining({ type: 'function', function: expect.objectContaining({ name: 'record_verdict', parameters: verdictInputSchema() }) }),
    ]);
    expect(body.temperature).toBe(0.2);
    expect(body.max_tokens).toBe(4096);
    expect(mock.received[0]?.headers.authorization).toBe(`Bearer ${MOCK_OPENAI_KEY}`);
  });

  it('sends the constitution as system message and fences the request', async () => {
    await deliberate();
    const [system, user] = messagesOf(0);

    expect(system?.role).toBe('system');
    expect(system?.content).toContain('Constitution default 1.0.0');
    expect(user?.role).toBe('user');
    expect(user?.content).toMatch(/<<<DATA [0-9a-f]{16} source=action\.input \(tool input\)>>>\n\{\n {2}"command": "ls -la"\n\}\n<<<END DATA/);
  });

  it('reads a verdict from JSON-schema output', async () => {
    const verdict = await deliberate('json_schema');
    const body = mock.received[0]?.body ?? {};

    expect(verdict.engine.decided_by).toBe('openai-compatible');
    expect(body.tool_choice).toBeUndefined();
    expect(body.response_format).toEqual({
      type: 'json_schema',
      json_schema: expect.objectContaining({ name: 'record_verdict', schema: verdictInputSchema() }),
    });
  });

  it('counts cached prompt tokens as cache reads', async () => {
    await deliberate();
    const second = await deliberate();
    expect(second.engine.tokens?.cache_read).toBe(512);
  });

  it('retries a truncated answer once, then the fail mode decides', async () => {
    mock.respond({ kind: 'verdict', input: judgeAnswer('allow'), stop: 'max_tokens' });
    const verdict = await deliberate();

    expect(mock.received).toHaveLength(2);
    expect(messagesOf(1)[1]?.content).toContain('record_verdict arguments are not valid JSON');
    expect(verdict.decision).toBe('escalate');
    expect(verdict.engine.fail_mode).toMatchObject({ mode: 'escalate', reason: 'truncated_output' });
  });

  it('uses a valid answer on the retry after a text-only answer', async () => {
    mock.queue({ kind: 'text', text: 'Sure, that looks safe.' });
    const verdict = await deliberate();

    expect(mock.received).toHaveLength(2);
    expect(messagesOf(1)[1]?.content).toContain('no record_verdict call, only text: "Sure, that looks safe."');
    expect(verdict.engine).toMatchObject({ decided_by: 'openai-compatible', retries: 1 });
  });

  it('hands a server error to the fail mode as llm_unavailable', async () => {
    mock.respond({ kind: 'status', status: 503 });
    const verdict = await deliberate();

    expect(verdict.decision).toBe('escalate');
    expect(verdict.engine.fail_mode).toMatchObject({ reason: 'llm_unavailable' });
  });
});
