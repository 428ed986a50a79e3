import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBody, startTestService, type TestService } from '../helpers/service.ts';

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service.stop();
});

async function post(url: string, payload: string, contentType = 'application/json') {
  return service.app.inject({ method: 'POST', url, headers: { 'content-type': contentType }, payload });
}

describe('forbidden prototype keys', () => {
  it('names a __proto__ key and its path', async () => {
    const response = await post('/v1/deliberations', '{"action": {"tool": "Bash", "input": {"__proto__": {"admin": true}}}}');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('GUARD_ERR_INVALID_JSON');
    expect(response.json().error.message).toContain('forbidden key "__proto__"');
    expect(response.json().error.message).not.toContain('not valid JSON');
    expect(response.json().error.details).toEqual({ path: 'action.input.__proto__' });
  });

  it('names a constructor.prototype key', async () => {
    const response = await post('/v1/deliberations', '{"action": {"tool": "Bash", "input": [{"constructor": {"prototype": {}}}]}}');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('GUARD_ERR_INVALID_JSON');
    expect(response.json().error.message).toContain('forbidden key "constructor.prototype"');
    expect(response.json().error.details).toEqual({ path: 'action.input[0].constructor.prototype' });
  });

  it('still calls malformed JSON invalid', async () => {
    const response = await post('/v1/deliberations', '{"__proto__": ');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('GUARD_ERR_INVALID_JSON');
    expect(response.json().error.message).toContain('not valid JSON');
  });

  it('returns 400 at /graphql too', async () => {
    const response = await post('/graphql', '{"query": "{ __typename }", "__proto__": {}}');
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].extensions.code).toBe('GUARD_ERR_INVALID_JSON');
    expect(response.json().errors[0].message).toContain('forbidden key "__proto__"');
  });
});

describe('media types other than JSON', () => {
  const json = JSON.stringify(requestBody('ls', 'List the files'));

  it('returns 415 for text/plain bodies', async () => {
    for (const url of ['/v1/deliberations', '/v1/verdicts/vrd_01AAAAAAAAAAAAAAAAAAAAAAAA/review', '/graphql']) {
      const response = await post(url, json, 'text/plain');
      expect(response.statusCode, url).toBe(415);
      const code = url === '/graphql' ? response.json().errors[0].extensions.code : response.json().error.code;
      expect(code, url).toBe('GUARD_ERR_UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('names the content type to send', async () => {
    for (const contentType of ['text/plain; charset=utf-8', 'text/csv']) {
      const response = await post('/v1/deliberations', json, contentType);
      expect(response.statusCode, contentType).toBe(415);
      expect(response.json().error.message, contentType).toContain('content-type: application/json');
    }
  });

  it('returns the failure mode to a hook', async () => {
    const response = await post('/v1/hooks/claude-code', '{"tool_name": "Bash"}', 'text/plain');
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-guard-error-code']).toBe('GUARD_ERR_UNSUPPORTED_MEDIA_TYPE');
    expect(response.json().hookSpecificOutput.permissionDecision).toBe('deny');
  });
});

describe('validation messages', () => {
  it('calls an absent field missing', async () => {
    const response = await post('/v1/deliberations', '{"action": {"tool": "Bash"}}');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('GUARD_ERR_VALIDATION');
    expect(response.json().error.message).toBe('invalid request: action.input: missing required field');
    expect(response.json().error.details).toEqual([{ path: 'action.input', message: 'missing required field' }]);
  });

  it('calls absent fields of any type missing', async () => {
    const response = await post('/v1/verdicts/vrd_01AAAAAAAAAAAAAAAAAAAAAAAA/review', '{"outcome": "agree"}');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toBe('invalid request: reviewer_id: missing required field');

    const noAction = await post('/v1/deliberations', '{"context": {"history": [{"role": "user"}]}}');
    const details = noAction.json().error.details as Array<{ path: string; message: string }>;
    expect(details).toContainEqual({ path: 'action', message: 'missing required field' });
    expect(details).toContainEqual({ path: 'context.history.0.content', message: 'missing required field' });
  });

  it('keeps messages for present but invalid values', async () => {
    const response = await post('/v1/deliberations', '{"action": {"tool": 5, "input": null}, "engine": "zzz"}');
    const details = response.json().error.details as Array<{ path: string; message: string }>;
    expect(details).toContainEqual({ path: 'action.tool', message: 'Invalid input: expected string, received number' });
    expect(details.find((detail) => detail.path === 'engine')?.message).toMatch(/^Invalid option: expected one of "rubric"/);
    expect(response.json().error.message).not.toContain('missing');
  });
});
