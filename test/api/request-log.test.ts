import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBody, startTestService, type TestService } from '../helpers/service.ts';

describe('request logging', () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  let service: TestService;

  beforeAll(async () => {
    process.on('warning', onWarning);
    service = await startTestService();
  });
  afterAll(async () => {
    process.off('warning', onWarning);
    await service.stop();
  });

  it('starts without a deprecation warning from Fastify', async () => {
    // process.emitWarning delivers on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.map((warning) => `${warning.name}: ${warning.message}`)).toEqual([]);
  });

  it('logs one completed line per request', async () => {
    const before = service.logLines.length;
    const response = await request(service.app.server).post('/v1/deliberations').send(requestBody('ls -la', 'List the files here'));
    expect(response.status).toBe(200);

    const lines = service.logLines.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.msg)).toEqual(['verdict committed', 'request completed']);
    const completed = lines[1] as { req: { method: string; url: string }; res: { statusCode: number }; responseTime: number; reqId: string };
    expect(completed.req).toMatchObject({ method: 'POST', url: '/v1/deliberations' });
    expect(completed.res.statusCode).toBe(200);
    expect(completed.responseTime).toBeGreaterThan(0);
    expect(completed.reqId).toBe(response.headers['x-request-id']);
    expect(lines[0]).toMatchObject({ reqId: completed.reqId, verdictId: response.body.id });
  });
});
