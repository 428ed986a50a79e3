import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreToolUseOutputSchema, type PreToolUseOutput } from '../../src/integrations/claude-code/hook-schema.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { createKey } from '../hardening/keys.ts';
import { TOOL_CALLS, hookInput } from './helpers.ts';

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service.stop();
});

async function postHook(body: unknown, query = ''): Promise<{ status: number; output: PreToolUseOutput; headers: Record<string, unknown> }> {
  const response = await service.app.inject({
    method: 'POST',
    url: `/v1/hooks/claude-code${query}`,
    headers: { 'content-type': 'application/json' },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.statusCode, output: PreToolUseOutputSchema.parse(response.json()), headers: response.headers };
}

async function newestVerdict() {
  const page = await service.store.list({}, { limit: 1 });
  return page.items[0]!;
}

describe('POST /v1/hooks/claude-code', () => {
  for (const call of TOOL_CALLS) {
    it(`answers ${call.name} in the documented shape`, async () => {
      const { status, output } = await postHook(hookInput(call.name, call.input));
      expect(status).toBe(200);

      const { verdict, request } = await newestVerdict();
      expect(request.action.tool).toBe(call.name);
      expect(request.action.input).toEqual(call.input);
      if (verdict.decision === 'allow') {
        expect(output).toEqual({});
      } else {
        expect(output.hookSpecificOutput?.hookEventName).toBe('PreToolUse');
        expect(output.hookSpecificOutput?.permissionDecision).toBe(verdict.decision === 'deny' ? 'deny' : 'ask');
        expect(output.hookSpecificOutput?.permissionDecisionReason).toContain(verdict.id);
      }
    });
  }

  it('denies rm -rf of a home folder with a reason for the model', async () => {
    const { output } = await postHook(hookInput('Bash', { command: 'rm -rf ~/work', description: 'Remove old work dir' }));
    expect(output.hookSpecificOutput?.permissionDecision).toBe('deny');
    const reason = output.hookSpecificOutput?.permissionDecisionReason ?? '';
    expect(reason).toContain('Bash');
    expect(reason).toMatch(/deletes files/);
    expect(reason).toMatch(/Do not retry/);
  });

  it('stores the hook ids as metadata and the session id', async () => {
    await postHook(hookInput('Bash', { command: 'ls -la' }, { session_id: 'sess-meta', tool_use_id: 'toolu_meta' }));
    const { request } = await newestVerdict();
    expect(request.context.session_id).toBe('sess-meta');
    expect(request.context.agent_id).toBe('claude-code');
    expect(request.context.metadata).toMatchObject({ integration: 'claude-code-hook', tool_use_id: 'toolu_meta', cwd: '/home/dev/project' });
  });

  it('gives no decision on allow unless explicit_allow is set', async () => {
    const body = hookInput('Bash', { command: 'ls -la' });
    expect((await postHook(body)).output).toEqual({});

    const explicit = await postHook(body, '?explicit_allow=true');
    expect(explicit.output.hookSpecificOutput?.permissionDecision).toBe('allow');
    expect(explicit.output.hookSpecificOutput?.permissionDecisionReason).toMatch(/vrd_/);
  });

  it('keeps MCP tool names as they are', async () => {
    await postHook(hookInput('mcp__github__delete_repository', { owner: 'acme', repo: 'website' }));
    expect((await newestVerdict()).request.action.tool).toBe('mcp__github__delete_repository');
  });

  it('answers invalid input with 200 and deny, naming the field', async () => {
    const { status, output, headers } = await postHook({ hook_event_name: 'PreToolUse', tool_input: {} });
    expect(status).toBe(200);
    expect(headers['x-guard-error-code']).toBe('GUARD_ERR_VALIDATION');
    expect(output.hookSpecificOutput?.permissionDecision).toBe('deny');
    expect(output.hookSpecificOutput?.permissionDecisionReason).toContain('tool_name');
  });

  it('answers a body that is not JSON with the on_failure decision', async () => {
    const { status, output, headers } = await postHook('{"hook_event_name": "PreToolUse", "tool_name": ', '?on_failure=ask');
    expect(status).toBe(200);
    expect(headers['x-guard-error-code']).toBe('GUARD_ERR_INVALID_JSON');
    expect(output.hookSpecificOutput?.permissionDecision).toBe('ask');
  });

  it('answers an unknown constitution with deny', async () => {
    const { output, headers } = await postHook(hookInput('Bash', { command: 'ls' }), '?constitution=missing');
    expect(headers['x-guard-error-code']).toBe('GUARD_ERR_CONSTITUTION_NOT_FOUND');
    expect(output.hookSpecificOutput?.permissionDecision).toBe('deny');
    expect(output.hookSpecificOutput?.permissionDecisionReason).toContain('missing');
  });

  it('answers another hook event with deny', async () => {
    const { output } = await postHook({ ...hookInput('Bash', { command: 'ls' }), hook_event_name: 'PostToolUse' });
    expect(output.hookSpecificOutput?.permissionDecision).toBe('deny');
    expect(output.hookSpecificOutput?.permissionDecisionReason).toContain('hook_event_name');
  });
});

describe('POST /v1/hooks/claude-code with a broken store', () => {
  it('answers 200 and deny when the verdict cannot be committed', async () => {
    const broken = await startTestService();
    await broken.store.close();
    const response = await broken.app.inject({
      method: 'POST',
      url: '/v1/hooks/claude-code',
      payload: hookInput('Bash', { command: 'ls -la' }),
    });
    await broken.stop().catch(() => undefined);
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-guard-error-code']).toBe('GUARD_ERR_STORE_UNAVAILABLE');
    expect(PreToolUseOutputSchema.parse(response.json()).hookSpecificOutput?.permissionDecision).toBe('deny');
  });
});

describe('POST /v1/hooks/claude-code with API keys enforced', () => {
  let secured: TestService;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    secured = await startTestService({ GUARD_AUTH: 'on' });
    keys.deliberate = await createKey(secured.databaseFile, 'hook', ['deliberate']);
    keys.read = await createKey(secured.databaseFile, 'reader', ['read']);
  });
  afterAll(async () => {
    await secured.stop();
  });

  async function postSecured(key?: string) {
    const response = await secured.app.inject({
      method: 'POST',
      url: '/v1/hooks/claude-code',
      headers: key ? { authorization: `Bearer ${key}` } : {},
      payload: hookInput('Bash', { command: 'rm -rf ~/work' }),
    });
    return { status: response.statusCode, code: response.headers['x-guard-error-code'], output: PreToolUseOutputSchema.parse(response.json()) };
  }

  it('deliberates with a deliberate-scope key', async () => {
    const { status, code, output } = await postSecured(keys.deliberate);
    expect(status).toBe(200);
    expect(code).toBeUndefined();
    expect(output.hookSpecificOutput?.permissionDecisionReason).toMatch(/verdict vrd_/);
  });

  it('denies with 200 when the key is missing', async () => {
    const { status, code, output } = await postSecured();
    expect(status).toBe(200);
    expect(code).toBe('GUARD_ERR_UNAUTHENTICATED');
    expect(output.hookSpecificOutput?.permissionDecision).toBe('deny');
  });

  it('denies with 200 when the key lacks the scope', async () => {
    const { code, output } = await postSecured(keys.read);
    expect(code).toBe('GUARD_ERR_FORBIDDEN');
    expect(output.hookSpecificOutput?.permissionDecisionReason).toContain('deliberate');
  });
});
