import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/service.ts';

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service.stop();
});

describe('constitution routes', () => {
  it('lists the default and at least two domain constitutions', async () => {
    const response = await request(service.app.server).get('/v1/constitutions').expect(200);
    const ids = response.body.items.map((item: { id: string }) => item.id);
    expect(ids).toContain('default');
    expect(ids.length).toBeGreaterThanOrEqual(3);
    for (const item of response.body.items) expect(item.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('returns one constitution in full', async () => {
    const response = await request(service.app.server).get('/v1/constitutions/default').expect(200);
    expect(response.body.principles.map((principle: { id: string }) => principle.id)).toEqual([
      'broadly_safe',
      'broadly_ethical',
      'genuinely_helpful',
    ]);
    expect(Object.keys(response.body.factors)).toHaveLength(8);
    expect(Object.keys(response.body.heuristics)).toHaveLength(3);
  });

  it('answers 404 for an unknown id', async () => {
    const response = await request(service.app.server).get('/v1/constitutions/permissive').expect(404);
    expect(response.body.error.code).toBe('GUARD_ERR_CONSTITUTION_NOT_FOUND');
    expect(response.body.error.details.known).toContain('default');
  });
});
