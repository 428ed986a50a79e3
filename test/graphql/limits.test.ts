import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/service.ts';
import { makeRecord } from '../store/contract.ts';
import { graphql } from './helpers.ts';

let service: TestService;

beforeAll(async () => {
  service = await startTestService({ GUARD_GRAPHQL_MAX_DEPTH: '6', GUARD_GRAPHQL_MAX_COST: '2000' });
  const record = makeRecord('allow', 'Bash', new Date());
  await service.store.append({ ...record, request: { ...record.request, context: { ...record.request.context, session_id: 's-1' } } });
});
afterAll(async () => {
  await service.stop();
});

describe('GraphQL abuse limits', () => {
  it('rejects a query deeper than the depth limit', async () => {
    const { status, data, errors } = await graphql(
      service,
      '{ verdicts(first: 1) { edges { node { session { verdicts(first: 1) { factors { id } } } } } } }',
    );
    expect(status).toBe(400);
    expect(data).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors?.[0]?.extensions).toEqual({ code: 'GUARD_ERR_QUERY_DEPTH_LIMIT', limit: 6, depth: 7 });
    expect(errors?.[0]?.message).toBe('query depth 7 exceeds the depth limit of 6; select fewer nested fields');
  });

  it('counts depth through fragments', async () => {
    const { errors } = await graphql(
      service,
      `fragment Deep on Verdict { session { verdicts(first: 1) { session { verdicts(first: 1) { factors { evidence { path } } } } } } }
       { verdict(id: "vrd_01AAAAAAAAAAAAAAAAAAAAAAAA") { ...Deep } }`,
    );
    expect(errors?.[0]?.extensions.code).toBe('GUARD_ERR_QUERY_DEPTH_LIMIT');
  });

  it('accepts a query at the depth limit', async () => {
    const { errors } = await graphql(service, '{ verdicts(first: 1) { edges { node { factors { evidence { path } } } } } }');
    expect(errors).toBeUndefined();
  });

  it('lets the GraphiQL introspection query through', async () => {
    const { errors, data } = await graphql(service, getIntrospectionQuery());
    expect(errors).toBeUndefined();
    expect(data?.__schema.queryType.name).toBe('Query');
  });

  it('rejects a query whose cost exceeds the limit', async () => {
    // (1 + edges, node, id, decision, risk, trace, step and text) × 100 = 900 per connection, three times.
    const connection = 'verdicts(first: 100) { edges { node { id decision risk trace { step text } } } }';
    const { status, errors } = await graphql(service, `{ a: ${connection} b: ${connection} c: ${connection} }`);
    expect(status).toBe(400);
    expect(errors?.[0]?.extensions).toEqual({ code: 'GUARD_ERR_QUERY_COST_LIMIT', limit: 2000, cost: 2700 });
    expect(errors?.[0]?.message).toContain('exceeds the cost limit of 2000');

    const two = await graphql(service, `{ a: ${connection} b: ${connection} }`);
    expect(two.errors).toBeUndefined();
  });

  it('multiplies the cost by page sizes passed as variables', async () => {
    // Each connection costs (1 + 10 fields) × first.
    const connection = (alias: string) => `${alias}: verdicts(first: $first) { edges { node { id decision risk confidence created_at engine { id decided_by } } } }`;
    const query = `query ($first: Int) { ${connection('a')} ${connection('b')} ${connection('c')} }`;
    expect((await graphql(service, query, { first: 10 })).errors).toBeUndefined();
    const { errors } = await graphql(service, query, { first: 100 });
    expect(errors?.[0]?.extensions).toEqual({ code: 'GUARD_ERR_QUERY_COST_LIMIT', limit: 2000, cost: 3300 });
  });

  it.each([
    ['page size over the cap', '{ verdicts(first: 101) { edges { cursor } } }', 'first', 100],
    ['page size zero', '{ verdicts(first: 0) { edges { cursor } } }', 'first', 100],
    ['session page over the cap', '{ verdicts(first: 1) { edges { node { session { verdicts(first: 21) { id } } } } } }', 'first', 20],
    ['breakdown size over the cap', '{ statistics(top: 500) { total } }', 'top', 100],
  ])('rejects a %s', async (_name, query, argument, limit) => {
    const { errors } = await graphql(service, query);
    const error = errors?.find((candidate) => candidate.extensions.code === 'GUARD_ERR_PAGE_SIZE_LIMIT');
    expect(error?.extensions.details).toEqual({ argument, limit });
    expect(error?.message).toContain(`page size limit is ${limit}`);
  });
});

describe('GraphiQL', () => {
  it('is served outside production', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/graphiql' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
  });

  it('is off in production', async () => {
    const production = await startTestService({ NODE_ENV: 'production' });
    try {
      const response = await production.app.inject({ method: 'GET', url: '/graphiql' });
      expect(response.statusCode).toBe(404);
      const graphqlStill = await graphql(production, '{ constitutions { id } }');
      expect(graphqlStill.errors).toBeUndefined();
    } finally {
      await production.stop();
    }
  });
});
