import { readFileSync } from 'node:fs';
import { buildSchema, isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { VerdictRecordSchema } from '../../src/api/schemas.ts';
import type { EngineReport } from '../../src/deliberation/verdict.ts';
import { SCHEMA_FILE } from '../../src/graphql/plugin.ts';
import type { StoredVerdict } from '../../src/store/store.ts';
import { requestBody, startTestService, type TestService } from '../helpers/service.ts';
import { makeRecord } from '../store/contract.ts';
import { deliberate, graphql } from './helpers.ts';

let service: TestService;

/** Seeded records, oldest first: four decisions over three days, two constitutions, two engines. */
const seeded: StoredVerdict[] = [];

const cascade: EngineReport = { id: 'cascade', decided_by: 'claude', tier: 'llm', latency_ms: 800, retries: 0 };

function withSession(record: StoredVerdict, session: string): StoredVerdict {
  return { ...record, request: { ...record.request, context: { ...record.request.context, session_id: session } } };
}

beforeAll(async () => {
  service = await startTestService();
  const base = [
    makeRecord('allow', 'Bash', new Date('2026-11-01T10:00:00Z')),
    makeRecord('deny', 'Bash', new Date('2026-11-01T10:30:00Z')),
    makeRecord('deny', 'Write', new Date('2026-11-02T09:00:00Z'), 'payments'),
    makeRecord('escalate', 'Bash', new Date('2026-11-03T08:00:00Z')),
    makeRecord('allow', 'Read', new Date('2026-11-03T09:00:00Z')),
  ];
  const escalated = base[3]!;
  base[3] = withSession({ ...escalated, verdict: { ...escalated.verdict, engine: cascade, risk: 0.5 } }, 'session-1');
  base[1] = withSession(base[1]!, 'session-1');
  base[4] = withSession(base[4]!, 'session-2');
  for (const record of base) {
    await service.store.append(record);
    seeded.push(record);
  }
});
afterAll(async () => {
  await service.stop();
});

const ids = (indexes: number[]) => indexes.map((index) => seeded[index]?.verdict.id);

describe('GraphQL verdict queries', () => {
  it('reads a verdict posted over REST with its request', async () => {
    const verdict = await deliberate(service, requestBody('rm -rf ~/work', 'Tidy my home directory a bit'));
    const { status, data, errors } = await graphql(
      service,
      `query ($id: ID!) { verdict(id: $id) {
         id decision risk factors { id score rationale } trace { step text } heuristics { id outcome }
         constitution { id sha256 } engine { id decided_by latency_ms } created_at
         request { action { tool input } context { user_request } } review { outcome } } }`,
      { id: verdict.id },
    );
    expect(errors).toBeUndefined();
    expect(status).toBe(200);
    expect(data?.verdict.id).toBe(verdict.id);
    expect(data?.verdict.decision).toBe(verdict.decision);
    expect(data?.verdict.factors).toHaveLength(8);
    expect(data?.verdict.trace).toEqual(verdict.trace);
    expect(data?.verdict.request.action).toEqual({ tool: 'Bash', input: { command: 'rm -rf ~/work' } });
    expect(data?.verdict.created_at).toBe(verdict.created_at);
    expect(data?.verdict.review).toBeNull();

    const missing = await graphql(service, '{ verdict(id: "vrd_01AAAAAAAAAAAAAAAAAAAAAAAA") { id } }');
    expect(missing.data?.verdict).toBeNull();
  });

  it('pages through verdicts newest first with cursors', async () => {
    const query = `query ($after: String) { verdicts(first: 2, after: $after, filter: { until: "2026-12-01T00:00:00Z" }) {
      edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const { data } = await graphql(service, query, { after });
      const connection = data?.verdicts;
      for (const edge of connection.edges) {
        expect(edge.cursor).toBe(edge.node.id);
        seen.push(edge.node.id);
      }
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(ids([4, 3, 2, 1, 0]));
  });

  it('rejects a cursor that is not a verdict id', async () => {
    const { errors } = await graphql(service, '{ verdicts(after: "page-2") { edges { cursor } } }');
    expect(errors?.[0]?.extensions.code).toBe('GUARD_ERR_VALIDATION');
    expect(errors?.[0]?.message).toContain('after');
  });

  it.each([
    ['decision', { decision: 'deny' }, [2, 1]],
    ['constitution', { constitution: 'payments' }, [2]],
    ['engine', { engine: 'cascade' }, [3]],
    ['tool', { tool: 'Write' }, [2]],
    ['time range', { since: '2026-11-01T10:15:00Z', until: '2026-11-03T08:00:00Z' }, [2, 1]],
    ['risk range', { risk_min: 0.4, risk_max: 0.6 }, [3]],
    ['risk minimum', { risk_min: 0.85 }, [2, 1]],
    ['combined', { decision: 'allow', tool: 'Read' }, [4]],
  ])('filters by %s', async (_name, filter, expected) => {
    const { data, errors } = await graphql(
      service,
      'query ($filter: VerdictFilter) { verdicts(first: 50, filter: $filter) { edges { node { id } } } }',
      { filter: { ...filter, until: (filter as { until?: string }).until ?? '2026-12-01T00:00:00Z' } },
    );
    expect(errors).toBeUndefined();
    expect(data?.verdicts.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual(ids(expected));
  });

  it('rejects an unknown engine naming the field', async () => {
    const { errors } = await graphql(service, '{ verdicts(filter: { engine: "gpt" }) { edges { cursor } } }');
    expect(errors?.[0]?.extensions.code).toBe('GUARD_ERR_VALIDATION');
    expect(errors?.[0]?.message).toContain('filter.engine');
  });

  it('rejects a malformed time naming the type', async () => {
    const { status, errors } = await graphql(service, '{ verdicts(filter: { since: "yesterday" }) { edges { cursor } } }');
    expect(status).toBe(400);
    expect(errors?.[0]?.extensions.code).toBe('GUARD_ERR_VALIDATION');
    expect(errors?.map((error) => error.message).join(' ')).toContain('DateTime must be an ISO 8601 date-time');
  });

  it('batches session reads across a page', async () => {
    const spy = vi.spyOn(service.store, 'listBySession');
    const { data, errors } = await graphql(
      service,
      `{ verdicts(first: 10, filter: { until: "2026-12-01T00:00:00Z" }) { edges { node { id session { id verdicts(first: 5) { id } } } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]?.[0]).toEqual(expect.arrayContaining(['session-1', 'session-2']));
    spy.mockRestore();

    const nodes = data?.verdicts.edges.map((edge: { node: unknown }) => edge.node);
    const escalated = nodes.find((node: { id: string }) => node.id === seeded[3]?.verdict.id);
    expect(escalated.session).toEqual({ id: 'session-1', verdicts: ids([3, 1]).map((id) => ({ id })) });
    const allowed = nodes.find((node: { id: string }) => node.id === seeded[0]?.verdict.id);
    expect(allowed.session).toBeNull();
  });
});

describe('GraphQL statistics', () => {
  const query = `query ($filter: VerdictFilter, $bucket: TimeBucket, $top: Int) { statistics(filter: $filter, bucket: $bucket, top: $top) {
    total by_decision { key count share } by_constitution { key count decisions { allow deny escalate } }
    by_engine { key count } by_tool { key count } by_tier { key count share }
    bucket timeline { start total decisions { allow deny escalate } } factors { id count mean histogram } } }`;
  const seededOnly = { until: '2026-12-01T00:00:00Z' };

  it('counts by decision, constitution, engine, tool and tier', async () => {
    const { data, errors } = await graphql(service, query, { filter: seededOnly });
    expect(errors).toBeUndefined();
    const stats = data?.statistics;
    expect(stats.total).toBe(5);
    expect(stats.by_decision).toEqual([
      { key: 'allow', count: 2, share: 0.4 },
      { key: 'deny', count: 2, share: 0.4 },
      { key: 'escalate', count: 1, share: 0.2 },
    ]);
    expect(stats.by_constitution).toEqual([
      { key: 'default', count: 4, decisions: { allow: 2, deny: 1, escalate: 1 } },
      { key: 'payments', count: 1, decisions: { allow: 0, deny: 1, escalate: 0 } },
    ]);
    expect(stats.by_engine).toEqual([{ key: 'rubric', count: 4 }, { key: 'cascade', count: 1 }]);
    expect(stats.by_tool).toEqual([{ key: 'Bash', count: 3 }, { key: 'Read', count: 1 }, { key: 'Write', count: 1 }]);
    expect(stats.by_tier).toEqual([{ key: 'rubric', count: 4, share: 0.8 }, { key: 'claude', count: 1, share: 0.2 }]);
  });

  it('buckets the timeline and builds factor histograms', async () => {
    const { data } = await graphql(service, query, { filter: seededOnly, bucket: 'day' });
    const stats = data?.statistics;
    expect(stats.bucket).toBe('day');
    expect(stats.timeline).toEqual([
      { start: '2026-11-01T00:00:00.000Z', total: 2, decisions: { allow: 1, deny: 1, escalate: 0 } },
      { start: '2026-11-02T00:00:00.000Z', total: 1, decisions: { allow: 0, deny: 1, escalate: 0 } },
      { start: '2026-11-03T00:00:00.000Z', total: 2, decisions: { allow: 1, deny: 0, escalate: 1 } },
    ]);
    expect(stats.factors).toHaveLength(8);
    expect(stats.factors[0]).toEqual({ id: 'probability', count: 5, mean: 0.5, histogram: [0, 0, 0, 0, 0, 5, 0, 0, 0, 0] });
  });

  it('applies the filter and the top limit', async () => {
    const { data } = await graphql(service, query, { filter: { ...seededOnly, decision: 'deny' }, top: 1 });
    expect(data?.statistics.total).toBe(2);
    expect(data?.statistics.by_tool).toEqual([{ key: 'Bash', count: 1 }]);
  });
});

describe('GraphQL constitutions', () => {
  it('lists the loaded constitutions with their factors', async () => {
    const { data } = await graphql(service, '{ constitutions { id version sha256 fail_mode principles { id } factors { id weight } thresholds { deny_at } } }');
    const byId = new Map(data?.constitutions.map((constitution: { id: string }) => [constitution.id, constitution]));
    const loaded = service.deliberator.constitutions.get('default');
    expect(byId.get('default')).toMatchObject({ id: 'default', sha256: loaded?.sha256, version: loaded?.spec.version });
    expect((byId.get('default') as { factors: unknown[] }).factors).toHaveLength(8);
    expect(data?.constitutions).toHaveLength(service.deliberator.constitutions.size);

    const missing = await graphql(service, '{ constitution(id: "nope") { id } }');
    expect(missing.data?.constitution).toBeNull();
  });
});

describe('GraphQL review mutation', () => {
  const mutation = `mutation ($id: ID!, $review: ReviewInput!) { review_verdict(id: $id, review: $review) {
    id review { outcome corrected_decision note reviewer_id reviewed_at } } }`;

  it('records a review that REST reads back', async () => {
    const verdict = await deliberate(service, requestBody('ls', 'list the files'));
    const { data, errors } = await graphql(service, mutation, {
      id: verdict.id,
      review: { outcome: 'correct', corrected_decision: 'escalate', note: 'needs a human', reviewer_id: 'ana' },
    });
    expect(errors).toBeUndefined();
    expect(data?.review_verdict.review).toMatchObject({ outcome: 'correct', corrected_decision: 'escalate', reviewer_id: 'ana' });

    const rest = await service.app.inject({ method: 'GET', url: `/v1/verdicts/${verdict.id}` });
    expect(rest.json().review).toEqual(data?.review_verdict.review);
    expect(service.logLines.some((line) => line.includes('"review recorded"') && line.includes(verdict.id))).toBe(true);

    const reviewed = await graphql(service, '{ verdicts(filter: { reviewed: true }) { edges { node { id } } } }');
    expect(reviewed.data?.verdicts.edges.map((edge: { node: { id: string } }) => edge.node.id)).toContain(verdict.id);
  });

  it('rejects a correction without the corrected decision', async () => {
    const verdict = await deliberate(service, requestBody('ls', 'list the files'));
    const { data, errors } = await graphql(service, mutation, { id: verdict.id, review: { outcome: 'correct', reviewer_id: 'ana' } });
    expect(data).toBeNull();
    expect(errors?.[0]?.extensions.code).toBe('GUARD_ERR_VALIDATION');
    expect(errors?.[0]?.message).toContain('review.corrected_decision');
    expect((await service.store.get(verdict.id))?.review).toBeUndefined();
  });

  it('answers not found for an unknown verdict', async () => {
    const { errors } = await graphql(service, mutation, { id: 'vrd_01AAAAAAAAAAAAAAAAAAAAAAAA', review: { outcome: 'agree', reviewer_id: 'ana' } });
    expect(errors?.[0]?.extensions.code).toBe('GUARD_ERR_VERDICT_NOT_FOUND');
  });
});

describe('GraphQL schema', () => {
  it('exposes every field of the REST verdict record', () => {
    const schema = buildSchema(readFileSync(SCHEMA_FILE, 'utf8'));
    const verdictType = schema.getType('Verdict');
    expect(isObjectType(verdictType)).toBe(true);
    const fields = Object.keys(isObjectType(verdictType) ? verdictType.getFields() : {});
    expect(fields).toEqual(expect.arrayContaining(Object.keys(VerdictRecordSchema.shape)));
  });
});
