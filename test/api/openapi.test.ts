import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderOpenApi } from '../../src/api/openapi.ts';
import { requestBody, startTestService, type TestService } from '../helpers/service.ts';

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>;
}

const committedText = readFileSync(join(import.meta.dirname, '../../openapi.yaml'), 'utf8');
const committed = parseYaml(committedText) as OpenApiDocument;
const ajv = new Ajv2020.default({ strict: false, allErrors: true });
addFormats.default(ajv);

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service.stop();
});

/** Checks a real response against the schema openapi.yaml gives for its route and status. */
function expectMatchesContract(route: string, method: string, status: number, body: unknown): void {
  const operation = committed.paths[route]?.[method];
  expect(operation, `${method.toUpperCase()} ${route} is in openapi.yaml`).toBeDefined();
  const schema = operation!.responses[String(status)]?.content?.['application/json']?.schema;
  expect(schema, `${method.toUpperCase()} ${route} documents status ${status}`).toBeDefined();
  const validate = ajv.compile(schema!);
  expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
}

describe('openapi.yaml', () => {
  it('matches what the routes generate (run npm run schema after changing a route)', async () => {
    expect(committedText).toBe(await renderOpenApi());
  });

  it('describes the real responses of every route', async () => {
    const server = service.app.server;
    const posted = await request(server).post('/v1/deliberations').send(requestBody('ls -la', 'List the files here')).expect(200);
    expectMatchesContract('/v1/deliberations', 'post', 200, posted.body);

    const invalid = await request(server).post('/v1/deliberations').send({}).expect(400);
    expectMatchesContract('/v1/deliberations', 'post', 400, invalid.body);

    const unknown = await request(server).post('/v1/deliberations').send(requestBody('ls', 'x', { constitution: 'nope' })).expect(404);
    expectMatchesContract('/v1/deliberations', 'post', 404, unknown.body);

    const one = await request(server).get(`/v1/verdicts/${posted.body.id}`).expect(200);
    expectMatchesContract('/v1/verdicts/{id}', 'get', 200, one.body);
    const missing = await request(server).get('/v1/verdicts/vrd_01AAAAAAAAAAAAAAAAAAAAAAAA').expect(404);
    expectMatchesContract('/v1/verdicts/{id}', 'get', 404, missing.body);

    const list = await request(server).get('/v1/verdicts?limit=5').expect(200);
    expectMatchesContract('/v1/verdicts', 'get', 200, list.body);

    const constitutions = await request(server).get('/v1/constitutions').expect(200);
    expectMatchesContract('/v1/constitutions', 'get', 200, constitutions.body);
    const constitution = await request(server).get('/v1/constitutions/default').expect(200);
    expectMatchesContract('/v1/constitutions/{id}', 'get', 200, constitution.body);

    const health = await request(server).get('/healthz').expect(200);
    expectMatchesContract('/healthz', 'get', 200, health.body);
    const ready = await request(server).get('/readyz').expect(200);
    expectMatchesContract('/readyz', 'get', 200, ready.body);

    expect(committed.paths['/v1/training-data/export']?.get).toBeDefined();
  });

  it('lists every route of the REST API', () => {
    const routes = ['/v1/deliberations', '/v1/verdicts', '/v1/verdicts/{id}', '/v1/verdicts/{id}/review', '/v1/constitutions', '/v1/constitutions/{id}', '/v1/training-data/export', '/healthz', '/readyz'];
    expect(Object.keys(committed.paths)).toEqual(expect.arrayContaining(routes));
  });
});
