import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgVerdictStore } from '../../src/store/pg-store.ts';
import { createTestSchema, urlWithSettings, type TestSchema } from '../helpers/postgres.ts';
import { requestBody, startTestService, type TestService } from '../helpers/service.ts';

let schema: TestSchema;
let service: TestService;

beforeAll(async () => {
  schema = await createTestSchema();
  // Migrate first, as the primary would, then start the service on a read-only session.
  await (await PgVerdictStore.open(schema.url)).close();
  service = await startTestService({
    DATABASE_URL: urlWithSettings({ search_path: schema.name, default_transaction_read_only: 'on' }),
  });
});
afterAll(async () => {
  await service?.stop();
  await schema?.drop();
});

describe('service on a read-only PostgreSQL session', () => {
  it('returns 503 and stores no verdict', async () => {
    const response = await request(service.app.server).post('/v1/deliberations').send(requestBody('ls -la', 'List the files here')).expect(503);
    expect(response.body.error.code).toBe('GUARD_ERR_STORE_UNAVAILABLE');
    expect(response.body.id).toBeUndefined();

    const rows = await schema.query<{ count: string }>('SELECT count(*) FROM verdicts');
    expect(rows.rows[0]?.count).toBe('0');
  });

  it('reports not ready', async () => {
    const response = await request(service.app.server).get('/readyz').expect(503);
    expect(response.body.checks.store).toBe('unavailable');
  });
});
