import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBody, startTestService, type TestService } from '../helpers/service.ts';
import { createKey } from '../hardening/keys.ts';

let service: TestService;
let verdictId: string;
const keys: Record<string, string> = {};

const QUERY = '{ verdicts(first: 1) { edges { node { id decision } } } }';
const MUTATION = 'mutation($id: ID!) { review_verdict(id: $id, review: { outcome: agree, reviewer_id: "r1" }) { id } }';

function graphql(body: Record<string, unknown>, key?: string): request.Test {
  const pending = request(service.app.server).post('/graphql').send(body);
  return key ? pending.set('authorization', `Bearer ${key}`) : pending;
}

beforeAll(async () => {
  service = await startTestService();
  for (const scope of ['deliberate', 'read', 'review', 'admin'] as const) {
    keys[scope] = await createKey(service.databaseFile, `${scope}-holder`, [scope]);
  }
  const posted = await request(service.app.server)
    .post('/v1/deliberations')
    .set('authorization', `Bearer ${keys.deliberate}`)
    .send(requestBody('ls -la', 'List the files here'))
    .expect(200);
  verdictId = posted.body.id;
});
afterAll(async () => {
  await service.stop();
});

describe('GraphQL scopes', () => {
  it('serves the GraphiQL page without a key', async () => {
    const page = await request(service.app.server).get('/graphiql').expect(200);
    expect(page.headers['content-type']).toContain('text/html');
  });

  it('rejects a request without a key', async () => {
    const response = await graphql({ query: QUERY });
    // Mercurius formats errors from the route's hooks as GraphQL errors.
    expect(response.status).toBe(200);
    expect(response.body.data).toBeNull();
    expect(response.body.errors[0].extensions.code).toBe('GUARD_ERR_UNAUTHENTICATED');
  });

  it('lets a read key query and rejects a deliberate key', async () => {
    const allowed = await graphql({ query: QUERY }, keys.read);
    expect(allowed.body.errors).toBeUndefined();
    expect(allowed.body.data.verdicts.edges[0].node.id).toBe(verdictId);

    const rejected = await graphql({ query: QUERY }, keys.deliberate);
    expect(rejected.status).toBe(200);
    expect(rejected.body.data ?? null).toBeNull();
    expect(rejected.body.errors[0].extensions.code).toBe('GUARD_ERR_FORBIDDEN');
    expect(rejected.body.errors[0].message).toContain('"read"');
  });

  it('needs the review scope for the review mutation', async () => {
    const rejected = await graphql({ query: MUTATION, variables: { id: verdictId } }, keys.read);
    expect(rejected.body.errors[0].extensions.code).toBe('GUARD_ERR_FORBIDDEN');
    expect(rejected.body.errors[0].message).toContain('"review"');

    const allowed = await graphql({ query: MUTATION, variables: { id: verdictId } }, keys.review);
    expect(allowed.body.errors).toBeUndefined();
    expect(allowed.body.data.review_verdict.id).toBe(verdictId);
  });

  it('lets an admin key do both', async () => {
    const response = await graphql({ query: QUERY }, keys.admin);
    expect(response.body.errors).toBeUndefined();
  });
});
