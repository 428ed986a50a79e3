import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/deliberation/verdict.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { regressionCase } from '../helpers/cases.ts';
import { requestBody, startTestService, type TestService } from '../helpers/service.ts';

let service: TestService | undefined;

afterEach(async () => {
  await service?.stop();
  service = undefined;
});

/** Sample lines of a Prometheus text exposition: one per series. */
function seriesOf(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0 && !line.startsWith('#'));
}

/** Series that belong to this service, not to the process defaults (GC kinds come and go). */
function guardSeries(text: string): string[] {
  return seriesOf(text).filter((line) => line.startsWith('guard_'));
}

/** Sends `count` requests made by `build`, `parallel` at a time, through the real app. */
async function sendAll(current: TestService, count: number, build: (index: number) => InjectOptions): Promise<number[]> {
  const statuses: number[] = [];
  const parallel = 25;
  for (let start = 0; start < count; start += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - start) }, (_, offset) => current.app.inject(build(start + offset)));
    for (const response of await Promise.all(batch)) statuses.push(response.statusCode);
  }
  return statuses;
}

describe('metrics', () => {
  it('counts verdicts by decision, constitution and engine', async () => {
    service = await startTestService();
    await request(service.app.server).post('/v1/deliberations').send(requestBody('ls -la', 'List the files here')).expect(200);
    const response = await request(service.app.server).get('/metrics').expect(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.text).toMatch(/guard_verdicts_total\{decision="allow",constitution="default",engine="rubric",decided_by="rubric"\} 1/);
    expect(response.text).toMatch(/guard_deliberation_duration_seconds_count\{engine="rubric"\} 1/);
    expect(response.text).toMatch(/guard_store_write_duration_seconds_count\{operation="append"\} 1/);
    expect(response.text).toMatch(/guard_http_request_duration_seconds_count\{method="POST",route="\/v1\/deliberations",status_code="200"\} 1/);
    expect(response.text).toContain('process_cpu_seconds_total');
  });

  it('counts LLM tokens, retries, errors and fail modes', async () => {
    service = await startTestService();
    const posted = await request(service.app.server).post('/v1/deliberations').send(requestBody('ls -la', 'List the files here')).expect(200);
    const rubricVerdict = posted.body as Verdict;
    const failed: Verdict = {
      ...rubricVerdict,
      decision: 'deny',
      engine: {
        ...rubricVerdict.engine,
        id: 'claude',
        decided_by: 'fail_mode',
        tokens: { input: 1200, output: 300, cache_read: 900, cache_write: 0 },
        retries: 1,
        fail_mode: { mode: 'deny', reason: 'llm_timeout', detail: 'no answer within the deadline' },
      },
    };
    const metrics = createMetrics();
    metrics.observeVerdict(failed);
    const text = await metrics.registry.metrics();

    expect(text).toContain('guard_llm_tokens_total{engine="claude",kind="input"} 1200');
    expect(text).toContain('guard_llm_tokens_total{engine="claude",kind="output"} 300');
    expect(text).toContain('guard_llm_tokens_total{engine="claude",kind="cache_read"} 900');
    expect(text).not.toContain('kind="cache_write"');
    expect(text).toContain('guard_llm_retries_total{engine="claude"} 1');
    expect(text).toContain('guard_llm_errors_total{engine="claude",reason="llm_timeout"} 1');
    expect(text).toContain('guard_fail_mode_activations_total{constitution="default",mode="deny",reason="llm_timeout"} 1');
    expect(text).toContain('guard_verdicts_total{decision="deny",constitution="default",engine="claude",decided_by="fail_mode"} 1');
  });

  it('counts a store failure and reports not ready when the store is down', async () => {
    // The store-down part of regression case CASE-11.
    expect(regressionCase('CASE-11').expected).toContain('store-failure metric increments');
    service = await startTestService();
    await service.store.close();

    const response = await request(service.app.server).post('/v1/deliberations').send(requestBody('ls -la', 'List the files here'));
    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe('GUARD_ERR_STORE_UNAVAILABLE');
    expect(response.body).not.toHaveProperty('id');
    expect(response.headers['retry-after']).toBe('5');

    const ready = await request(service.app.server).get('/readyz').expect(503);
    expect(ready.body.status).toBe('not_ready');

    const metrics = await request(service.app.server).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/guard_store_failures_total\{operation="append"\} 1/);
    expect(metrics.text).toMatch(/guard_store_failures_total\{operation="ping"\} 1/);
    expect(metrics.text).not.toMatch(/guard_verdicts_total\{/);
  });

  it('keeps label values bounded under random ids, paths and tools (CASE-12)', async () => {
    const steps = regressionCase('CASE-12').request.steps;
    expect(steps.map((step) => step.repeat)).toEqual([1000, 1000, 1000, undefined]);
    service = await startTestService();
    const current = service;
    const post = (index: number) => ({
      method: 'POST' as const,
      url: '/v1/deliberations',
      payload: {
        constitution: 'default',
        action: { tool: `mcp__srv${index}__tool${index}`, input: { q: 'x' } },
        context: { user_request: 'look something up', history: [] },
      },
    });
    const verdictIds: string[] = [];
    const read = (_index: number) => {
      const id = randomUUID();
      verdictIds.push(id);
      return { method: 'GET' as const, url: `/v1/verdicts/${id}` };
    };
    const probe = (index: number) => ({ method: 'GET' as const, url: `/probe-${index}.php` });

    // One of each first, so every series that can exist does.
    await sendAll(current, 1, read);
    await sendAll(current, 1, probe);
    await sendAll(current, 1, post);
    await current.app.inject({ method: 'GET', url: '/metrics' });
    const warm = (await current.app.inject({ method: 'GET', url: '/metrics' })).body;

    expect(new Set(await sendAll(current, 1000, read))).toEqual(new Set([404]));
    expect(new Set(await sendAll(current, 1000, probe))).toEqual(new Set([404]));
    expect(new Set(await sendAll(current, 1000, post))).toEqual(new Set([200]));
    const after = (await current.app.inject({ method: 'GET', url: '/metrics' })).body;

    expect(guardSeries(after).length).toBe(guardSeries(warm).length);
    expect(seriesOf(after).length - seriesOf(warm).length).toBeLessThanOrEqual(10);
    expect(Buffer.byteLength(after)).toBeLessThan(200_000);
    expect(after).toContain('route="/v1/verdicts/:id"');
    expect(after).toContain('route="unmatched"');
    expect(after).not.toMatch(/srv\d|tool\d|probe-|\.php/);
    for (const id of verdictIds.slice(0, 50)) expect(after).not.toContain(id);
  }, 120_000);
});
