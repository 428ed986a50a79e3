import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { requestBody, startTestService, type TestService } from '../helpers/service.ts';
import { createKey } from './keys.ts';

let service: TestService | undefined;

afterEach(async () => {
  await service?.stop();
  service = undefined;
});

/** Nests a value `depth` levels deep in arrays, as text, without building the object. */
function nestedJson(depth: number): string {
  return `{"constitution":"default","action":{"tool":"Bash","input":${'['.repeat(depth)}1${']'.repeat(depth)}}}`;
}

describe('per-key rate limit', () => {
  it('answers 429 with Retry-After once a key is over its limit', async () => {
    service = await startTestService({ GUARD_RATE_LIMIT_MAX: '3', GUARD_RATE_LIMIT_WINDOW_MS: '60000' });
    const first = await createKey(service.databaseFile, 'first', ['read']);
    const second = await createKey(service.databaseFile, 'second', ['read']);
    const server = service.app.server;

    for (let index = 0; index < 3; index += 1) {
      await request(server).get('/v1/constitutions').set('authorization', `Bearer ${first}`).expect(200);
    }
    const limited = await request(server).get('/v1/constitutions').set('authorization', `Bearer ${first}`);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('GUARD_ERR_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);

    // Another key has its own budget, and public routes have none.
    await request(server).get('/v1/constitutions').set('authorization', `Bearer ${second}`).expect(200);
    for (let index = 0; index < 5; index += 1) await request(server).get('/healthz').expect(200);

    const metric = await service.metrics.registry.getSingleMetricAsString('guard_rate_limit_rejections_total');
    expect(metric).toContain('guard_rate_limit_rejections_total{route="/v1/constitutions"} 1');
  });
});

describe('body limits', () => {
  it('rejects a deeply nested body with 400 before validation', async () => {
    service = await startTestService({ GUARD_MAX_JSON_DEPTH: '32' });
    const response = await request(service.app.server)
      .post('/v1/deliberations')
      .set('content-type', 'application/json')
      .send(nestedJson(10_000));
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('GUARD_ERR_JSON_TOO_DEEP');
    expect(response.body.error.message).toContain('GUARD_MAX_JSON_DEPTH');
  });

  it('accepts nesting within the limit', async () => {
    service = await startTestService({ GUARD_MAX_JSON_DEPTH: '32' });
    await request(service.app.server).post('/v1/deliberations').set('content-type', 'application/json').send(nestedJson(20)).expect(200);
  });

  it('does not count brackets inside strings as nesting', async () => {
    service = await startTestService({ GUARD_MAX_JSON_DEPTH: '8' });
    const body = requestBody(`echo "${'[{'.repeat(500)}\\" ]"`, 'Print brackets');
    await request(service.app.server).post('/v1/deliberations').send(body).expect(200);
  });

  it('rejects an oversized field with 413 naming it', async () => {
    service = await startTestService({ GUARD_MAX_FIELD_CHARS: '1000' });
    const body = requestBody('ls', 'List files', { action: { tool: 'Write', input: { path: 'a.txt', content: 'x'.repeat(5000) } } });
    const response = await request(service.app.server).post('/v1/deliberations').send(body);
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('GUARD_ERR_FIELD_TOO_LARGE');
    expect(response.body.error.details.path).toBe('action.input.content');
  });

  it('rejects a body over the size limit with 413', async () => {
    service = await startTestService({ GUARD_MAX_BODY_BYTES: '2048' });
    const body = requestBody('ls', 'x'.repeat(4096));
    const response = await request(service.app.server).post('/v1/deliberations').send(body);
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('GUARD_ERR_BODY_TOO_LARGE');
  });
});

describe('load shedding', () => {
  it('answers 503 with Retry-After under sustained pressure and keeps health public', async () => {
    // A heap limit of one byte keeps the service under pressure from the first sample on.
    service = await startTestService({ GUARD_SHED_HEAP_USED_BYTES: '1' });
    const server = service.app.server;
    const shed = await vi.waitFor(
      async () => {
        const response = await request(server).post('/v1/deliberations').send(requestBody('ls', 'List files'));
        if (response.status !== 503) throw new Error(`still ${response.status}`);
        return response;
      },
      { timeout: 8000, interval: 100 },
    );
    expect(shed.body.error.code).toBe('GUARD_ERR_OVERLOADED');
    expect(shed.headers['retry-after']).toBe('5');
    await request(server).get('/healthz').expect(200);
    await request(server).get('/metrics').expect(200);

    const metric = await service.metrics.registry.getSingleMetricAsString('guard_load_shed_total');
    expect(metric).toMatch(/reason="heapUsedBytes"} [1-9]/);
  });

  it('sheds while the event loop stays blocked', async () => {
    service = await startTestService({ GUARD_SHED_EVENT_LOOP_DELAY_MS: '20' });
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (status !== 503 && Date.now() < deadline) {
      // Blocks the event loop for 150 ms between requests, as a saturated service would be.
      const busyUntil = Date.now() + 150;
      while (Date.now() < busyUntil);
      status = (await service.app.inject({ method: 'POST', url: '/v1/deliberations', payload: requestBody('ls', 'List files') })).statusCode;
    }
    expect(status).toBe(503);
    const metric = await service.metrics.registry.getSingleMetricAsString('guard_load_shed_total');
    expect(metric).toMatch(/reason="eventLoopDelay"} [1-9]/);
  });

  it('tolerates a single stall', async () => {
    service = await startTestService({ GUARD_SHED_EVENT_LOOP_DELAY_MS: '200' });
    const busyUntil = Date.now() + 1500;
    while (Date.now() < busyUntil);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const response = await service.app.inject({ method: 'POST', url: '/v1/deliberations', payload: requestBody('ls', 'List files') });
    expect(response.statusCode).toBe(200);
  });
});

describe('timeouts', () => {
  it('sets the request and connection timeouts on the server', async () => {
    service = await startTestService({ GUARD_REQUEST_TIMEOUT_MS: '1234', GUARD_CONNECTION_TIMEOUT_MS: '5678' });
    expect(service.app.server.requestTimeout).toBe(1234);
    expect(service.app.server.timeout).toBe(5678);
  });
});
