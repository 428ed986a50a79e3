import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { requestBody, startTestService, type TestService } from '../helpers/service.ts';

let service: TestService | undefined;

afterEach(async () => {
  await service?.stop();
  service = undefined;
});

async function storedCount(current: TestService): Promise<number> {
  const page = await current.store.list({}, { limit: 1000 });
  return page.items.length;
}

describe('Idempotency-Key on POST /v1/deliberations', () => {
  it('returns the stored verdict on a retry and stores it once', async () => {
    service = await startTestService();
    const body = requestBody('rm -rf ./build', 'Clean the build folder');
    const first = await request(service.app.server).post('/v1/deliberations').set('idempotency-key', 'retry-1').send(body).expect(200);
    const retry = await request(service.app.server).post('/v1/deliberations').set('idempotency-key', 'retry-1').send(body).expect(200);

    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await storedCount(service)).toBe(1);
    expect(service.logLines.filter((line) => line.includes('"verdict committed"'))).toHaveLength(1);
  });

  it('answers concurrent retries with one verdict', async () => {
    service = await startTestService();
    const body = requestBody('ls -la', 'List the files here');
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => request(service!.app.server).post('/v1/deliberations').set('idempotency-key', 'burst').send(body)),
    );
    const ids = new Set(responses.map((response) => response.body.id));
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(ids.size).toBe(1);
    expect(await storedCount(service)).toBe(1);
  });

  it('treats key order in the body as the same request', async () => {
    service = await startTestService();
    const body = requestBody('ls', 'List files');
    const reordered = { context: body.context, action: body.action, constitution: body.constitution };
    const first = await request(service.app.server).post('/v1/deliberations').set('idempotency-key', 'order').send(body).expect(200);
    const retry = await request(service.app.server).post('/v1/deliberations').set('idempotency-key', 'order').send(reordered).expect(200);
    expect(retry.body.id).toBe(first.body.id);
  });

  it('rejects the same key with a different body', async () => {
    service = await startTestService();
    await request(service.app.server).post('/v1/deliberations').set('idempotency-key', 'reused').send(requestBody('ls', 'List files')).expect(200);
    const response = await request(service.app.server)
      .post('/v1/deliberations')
      .set('idempotency-key', 'reused')
      .send(requestBody('rm -rf /', 'List files'));
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('GUARD_ERR_IDEMPOTENCY_KEY_REUSED');
    expect(await storedCount(service)).toBe(1);
  });

  it('rejects an invalid key naming the header', async () => {
    service = await startTestService();
    const response = await request(service.app.server)
      .post('/v1/deliberations')
      .set('idempotency-key', 'x'.repeat(300))
      .send(requestBody('ls', 'List files'));
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('GUARD_ERR_VALIDATION');
    expect(response.body.error.message).toContain('idempotency-key');
  });

  it('stores a new verdict for a new key', async () => {
    service = await startTestService();
    const body = requestBody('ls', 'List files');
    const first = await request(service.app.server).post('/v1/deliberations').set('idempotency-key', 'a').send(body).expect(200);
    const second = await request(service.app.server).post('/v1/deliberations').set('idempotency-key', 'b').send(body).expect(200);
    expect(second.body.id).not.toBe(first.body.id);
    expect(await storedCount(service)).toBe(2);
  });
});

describe('Idempotency-Key in the SQLite store', () => {
  let dir: string | undefined;
  afterEach(async () => {
    // This hook runs before the file's own, so the service is stopped here, before its folder goes.
    await service?.stop();
    service = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('returns the stored verdict after a restart', async () => {
    dir = mkdtempSync(join(tmpdir(), 'guard-idempotency-'));
    const env = { DATABASE_URL: `sqlite:${join(dir, 'verdicts.sqlite')}` };
    const body = requestBody('rm -rf ./build', 'Clean the build folder');
    service = await startTestService(env);
    const first = await request(service.app.server).post('/v1/deliberations').set('idempotency-key', 'restart').send(body).expect(200);
    await service.stop();

    service = await startTestService(env);
    const retry = await request(service.app.server).post('/v1/deliberations').set('idempotency-key', 'restart').send(body).expect(200);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await storedCount(service)).toBe(1);
    expect(service.logLines.filter((line) => line.includes('"verdict committed"'))).toHaveLength(0);

    const reused = await request(service.app.server).post('/v1/deliberations').set('idempotency-key', 'restart').send(requestBody('ls', 'List files'));
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('GUARD_ERR_IDEMPOTENCY_KEY_REUSED');
  });

  it('deliberates again once the key expired', async () => {
    service = await startTestService({ GUARD_IDEMPOTENCY_TTL_MS: '20' });
    const body = requestBody('ls', 'List files');
    const first = await request(service.app.server).post('/v1/deliberations').set('idempotency-key', 'short').send(body).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const later = await request(service.app.server).post('/v1/deliberations').set('idempotency-key', 'short').send(body).expect(200);
    expect(later.body.id).not.toBe(first.body.id);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(await storedCount(service)).toBe(2);
  });

  it('binds the key to a verdict cache hit', async () => {
    service = await startTestService({ GUARD_VERDICT_CACHE_TTL_MS: '60000' });
    const body = requestBody('git status', 'Show the repository state');
    const cached = await request(service.app.server).post('/v1/deliberations').send(body).expect(200);
    const keyed = await request(service.app.server).post('/v1/deliberations').set('idempotency-key', 'cached').send(body).expect(200);
    expect(keyed.body.id).toBe(cached.body.id);
    expect(keyed.headers['x-guard-cache']).toBe('hit');

    const liveSince = new Date(Date.now() - 60_000).toISOString();
    const binding = await service.store.findIdempotencyKey('open', 'cached', liveSince);
    expect(binding?.verdictId).toBe(cached.body.id);
    expect(await storedCount(service)).toBe(1);
  });
});

describe('verdict cache', () => {
  it('is off by default: identical requests get their own verdicts', async () => {
    service = await startTestService();
    const body = requestBody('ls', 'List files');
    const first = await request(service.app.server).post('/v1/deliberations').send(body).expect(200);
    const second = await request(service.app.server).post('/v1/deliberations').send(body).expect(200);
    expect(second.body.id).not.toBe(first.body.id);
  });

  it('returns the stored verdict for an identical input while live', async () => {
    service = await startTestService({ GUARD_VERDICT_CACHE_TTL_MS: '60000' });
    const body = requestBody('git status', 'Show the repository state');
    const first = await request(service.app.server).post('/v1/deliberations').send(body).expect(200);
    const hit = await request(service.app.server).post('/v1/deliberations').send(body).expect(200);
    expect(hit.body).toEqual(first.body);
    expect(hit.headers['x-guard-cache']).toBe('hit');
    expect(await storedCount(service)).toBe(1);

    const otherContext = requestBody('git status', 'Show the repository state', { context: { user_request: 'Something else', history: [] } });
    const miss = await request(service.app.server).post('/v1/deliberations').send(otherContext).expect(200);
    expect(miss.body.id).not.toBe(first.body.id);

    const optedOut = await request(service.app.server).post('/v1/deliberations').send({ ...body, training_opt_out: true }).expect(200);
    expect(optedOut.body.id).not.toBe(first.body.id);

    const metric = await service.metrics.registry.getSingleMetricAsString('guard_verdict_cache_lookups_total');
    expect(metric).toContain('result="hit"} 1');
    expect(metric).toContain('result="miss"} 3');
  });

  it('deliberates again after the TTL', async () => {
    service = await startTestService({ GUARD_VERDICT_CACHE_TTL_MS: '50' });
    const body = requestBody('git status', 'Show the repository state');
    const first = await request(service.app.server).post('/v1/deliberations').send(body).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 120));
    const later = await request(service.app.server).post('/v1/deliberations').send(body).expect(200);
    expect(later.body.id).not.toBe(first.body.id);
  });
});
