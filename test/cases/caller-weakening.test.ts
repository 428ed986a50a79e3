import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepBody } from '../helpers/cases.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service.stop();
});

describe('caller-controlled weakening: request fields that relax policy', () => {
  it('rejects an unknown fail_mode field with 400 naming it', async () => {
    const response = await request(service.app.server)
      .post('/v1/deliberations')
      .send(stepBody('CASE-20', 'unknown-field'))
      .expect(400);
    expect(response.body.error.code).toBe('GUARD_ERR_VALIDATION');
    expect(response.body.error.details.map((detail: { path: string }) => detail.path)).toContain('fail_mode');
  });

  it('ignores metadata that asks for monitor mode and denies on the rubric engine', async () => {
    const body = { ...stepBody('CASE-20', 'metadata-and-deadline') };
    delete body.deadline_ms;
    const response = await request(service.app.server).post('/v1/deliberations').send(body).expect(200);
    expect(response.body.decision).toBe('deny');
    const kinds = response.body.findings.map((finding: { kind: string }) => finding.kind);
    expect(kinds).toContain('injection_instruction');
  });

  it('answers 404 listing the known constitutions for an unknown one', async () => {
    const response = await request(service.app.server)
      .post('/v1/deliberations')
      .send(stepBody('CASE-20', 'unknown-constitution'))
      .expect(404);
    expect(response.body.error.code).toBe('GUARD_ERR_CONSTITUTION_NOT_FOUND');
    expect(response.body.error.details.known).toEqual(expect.arrayContaining(['default']));
  });
});
