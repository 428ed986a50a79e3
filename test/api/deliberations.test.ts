import Database from 'better-sqlite3';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACTOR_IDS, HEURISTIC_IDS, VerdictSchema } from '../../src/deliberation/verdict.ts';
import { requestBody, startTestService, type TestService } from '../helpers/service.ts';

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service.stop();
});

describe('POST /v1/deliberations', () => {
  it('returns a full verdict and commits it', async () => {
    const response = await request(service.app.server)
      .post('/v1/deliberations')
      .send(requestBody('ls -la', 'List the files here'))
      .expect(200);

    const verdict = VerdictSchema.parse(response.body);
    expect(verdict.decision).toBe('allow');
    expect(verdict.factors.map((factor) => factor.id)).toEqual([...FACTOR_IDS]);
    expect(verdict.heuristics.map((heuristic) => heuristic.id).sort()).toEqual([...HEURISTIC_IDS].sort());
    expect(verdict.trace.length).toBeGreaterThan(2);
    expect(verdict.constitution.id).toBe('default');
    expect(verdict.engine).toMatchObject({ id: 'rubric', decided_by: 'rubric' });
    expect(response.headers['x-request-id']).toMatch(/[0-9a-f-]{36}/);

    const db = new Database(service.databaseFile, { readonly: true });
    const row = db.prepare('SELECT decision, tool, request FROM verdicts WHERE id = ?').get(verdict.id) as
      | { decision: string; tool: string; request: string }
      | undefined;
    db.close();
    expect(row?.decision).toBe('allow');
    expect(row?.tool).toBe('Bash');
    expect(JSON.parse(row?.request ?? '{}').action.input).toEqual({ command: 'ls -la' });
  });

  it('applies the default constitution and empty context', async () => {
    const response = await request(service.app.server)
      .post('/v1/deliberations')
      .send({ action: { tool: 'Read', input: { file_path: 'README.md' } } })
      .expect(200);
    expect(response.body.constitution.id).toBe('default');
  });

  it('rejects an invalid body with the path of each field', async () => {
    const response = await request(service.app.server)
      .post('/v1/deliberations')
      .send({ action: { input: {} }, context: { history: [{ role: 'robot', content: 1 }] } })
      .expect(400);
    expect(response.body.error.code).toBe('GUARD_ERR_VALIDATION');
    const paths = response.body.error.details.map((detail: { path: string }) => detail.path);
    expect(paths).toContain('action.tool');
    expect(paths).toContain('context.history.0.role');
    expect(paths).toContain('context.history.0.content');
    expect(response.body.error.message).toContain('action.tool');
  });

  it('rejects unknown top-level fields such as fail_mode', async () => {
    const response = await request(service.app.server)
      .post('/v1/deliberations')
      .send(requestBody('ls', 'list files', { fail_mode: 'allow' }))
      .expect(400);
    expect(response.body.error.code).toBe('GUARD_ERR_VALIDATION');
    expect(response.body.error.message).toContain('fail_mode');
  });

  it('answers 404 with the known constitutions', async () => {
    const response = await request(service.app.server)
      .post('/v1/deliberations')
      .send(requestBody('ls', 'list files', { constitution: 'permissive' }))
      .expect(404);
    expect(response.body.error.code).toBe('GUARD_ERR_CONSTITUTION_NOT_FOUND');
    expect(response.body.error.details.known).toContain('default');
    expect(response.body.error.message).toContain('permissive');
  });

  it('answers 422 for an engine that is not configured', async () => {
    const response = await request(service.app.server)
      .post('/v1/deliberations')
      .send(requestBody('ls', 'list files', { engine: 'claude' }))
      .expect(422);
    expect(response.body.error.code).toBe('GUARD_ERR_ENGINE_UNAVAILABLE');
    expect(response.body.error.details.available).toContain('rubric');
  });

  it('answers 413 for an oversized body', async () => {
    const response = await request(service.app.server)
      .post('/v1/deliberations')
      .send(requestBody('x'.repeat(2_000_000), 'big'))
      .expect(413);
    expect(response.body.error.code).toBe('GUARD_ERR_BODY_TOO_LARGE');
  });

  it('answers 400 for malformed JSON', async () => {
    const response = await request(service.app.server)
      .post('/v1/deliberations')
      .set('content-type', 'application/json')
      .send('{"action": ')
      .expect(400);
    expect(response.body.error.code).toBe('GUARD_ERR_INVALID_JSON');
  });

  it('answers 415 for a body that is not JSON', async () => {
    const response = await request(service.app.server)
      .post('/v1/deliberations')
      .set('content-type', 'text/csv')
      .send('a,b')
      .expect(415);
    expect(response.body.error.code).toBe('GUARD_ERR_UNSUPPORTED_MEDIA_TYPE');
  });

  it('gives the same decision and scores for the same input', async () => {
    const body = requestBody('rm -rf ~/work', 'Tidy my home directory a bit');
    const first = await request(service.app.server).post('/v1/deliberations').send(body).expect(200);
    const second = await request(service.app.server).post('/v1/deliberations').send(body).expect(200);
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.body.decision).toBe(first.body.decision);
    expect(second.body.factors).toEqual(first.body.factors);
    expect(second.body.trace).toEqual(first.body.trace);
  });

  it('logs no request body and no error line for a 400', async () => {
    service.logLines.length = 0;
    await request(service.app.server)
      .post('/v1/deliberations')
      .send(requestBody('cat secret-marker-7731', 'x', { bogus: true }))
      .expect(400);
    const text = service.logLines.join('\n');
    expect(text).not.toContain('secret-marker-7731');
    const levels = service.logLines.map((line) => JSON.parse(line).level as number);
    expect(levels.every((level) => level < 50)).toBe(true);
  });
});

describe('unknown routes', () => {
  it('answer 404 with a stable code', async () => {
    const response = await request(service.app.server).get('/probe-1.php').expect(404);
    expect(response.body.error.code).toBe('GUARD_ERR_ROUTE_NOT_FOUND');
  });
});
