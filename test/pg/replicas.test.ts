import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, type TestSchema } from '../helpers/postgres.ts';
import { requestBody, startTestService, type TestService } from '../helpers/service.ts';

let schema: TestSchema;
let writer: TestService;
let reader: TestService;

beforeAll(async () => {
  schema = await createTestSchema();
  // Both instances start at once, so both try to migrate the empty schema.
  [writer, reader] = await Promise.all([
    startTestService({ DATABASE_URL: schema.url }),
    startTestService({ DATABASE_URL: schema.url }),
  ]);
});
afterAll(async () => {
  await Promise.all([writer?.stop(), reader?.stop()]);
  await schema?.drop();
});

describe('two instances on one PostgreSQL database', () => {
  it('serves what the other instance stored', async () => {
    const posted = await request(writer.app.server)
      .post('/v1/deliberations')
      .send(requestBody('rm -rf ~/work', 'Tidy my home directory a bit', { context: { user_request: 'Tidy my home directory a bit', metadata: { ticket: 'ops-7' } } }))
      .expect(200);
    const id: string = posted.body.id;

    const read = await request(reader.app.server).get(`/v1/verdicts/${id}`).expect(200);
    expect(read.body.decision).toBe(posted.body.decision);
    expect(read.body.trace).toEqual(posted.body.trace);
    expect(read.body.request.context.metadata).toEqual({ ticket: 'ops-7' });

    const listed = await request(reader.app.server).get(`/v1/verdicts?decision=${posted.body.decision}&tool=Bash`).expect(200);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual([id]);

    const reviewed = await request(reader.app.server)
      .post(`/v1/verdicts/${id}/review`)
      .send({ outcome: 'agree', reviewer_id: 'reviewer-1' })
      .expect(200);
    expect(reviewed.body.review.outcome).toBe('agree');
    const seenByWriter = await request(writer.app.server).get(`/v1/verdicts?reviewed=true`).expect(200);
    expect(seenByWriter.body.items.map((item: { id: string; review: { reviewer_id: string } }) => [item.id, item.review.reviewer_id])).toEqual([
      [id, 'reviewer-1'],
    ]);

    const exported = await request(reader.app.server).get('/v1/training-data/export').expect(200);
    const lines = exported.text.trimEnd().split('\n').map((line) => JSON.parse(line) as { metadata: { verdict_id: string } });
    expect(lines.map((line) => line.metadata.verdict_id)).toEqual([id]);
  });

  it('reports ready on both instances', async () => {
    for (const service of [writer, reader]) {
      const response = await request(service.app.server).get('/readyz').expect(200);
      expect(response.body.checks.store).toBe('ok');
    }
  });

  it('reports not ready without migrations', async () => {
    await schema.query('DROP TABLE schema_migrations');
    const response = await request(reader.app.server).get('/readyz').expect(503);
    expect(response.body.checks.store).toBe('unavailable');
  });
});
