import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBody, startTestService, type TestService } from '../helpers/service.ts';

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service.stop();
});

describe('health and store failure', () => {
  it('answers /healthz and /readyz while the store works', async () => {
    await request(service.app.server).get('/healthz').expect(200, { status: 'ok' });
    const ready = await request(service.app.server).get('/readyz').expect(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { store: 'ok', constitutions: 'ok' } });
  });

  it('answers 503 with no verdict when the store cannot be written', async () => {
    const before = await request(service.app.server).post('/v1/deliberations').send(requestBody('ls -la', 'List the files here'));
    expect(before.status).toBe(200);

    // Closing the connection makes every later write fail, as a lost disk or database would.
    await service.store.close();

    const response = await request(service.app.server)
      .post('/v1/deliberations')
      .send(requestBody('ls -la', 'List the files here'))
      .expect(503);
    expect(response.body.error.code).toBe('GUARD_ERR_STORE_UNAVAILABLE');
    expect(response.body).not.toHaveProperty('id');
    expect(response.headers['retry-after']).toBe('5');

    const ready = await request(service.app.server).get('/readyz').expect(503);
    expect(ready.body.status).toBe('not_ready');
    expect(ready.body.checks.store).toBe('unavailable');
  });
});
