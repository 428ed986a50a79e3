import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBody, startTestService, type TestService } from '../helpers/service.ts';

let service: TestService;
let keptId: string;
let optedOutId: string;

beforeAll(async () => {
  service = await startTestService();
  const kept = await request(service.app.server).post('/v1/deliberations').send(requestBody('ls -la', 'List the files here'));
  keptId = kept.body.id;
  const optedOut = await request(service.app.server)
    .post('/v1/deliberations')
    .send(requestBody('git status', 'What is the git status?', { training_opt_out: true }));
  optedOutId = optedOut.body.id;
});
afterAll(async () => {
  await service.stop();
});

describe('GET /v1/training-data/export', () => {
  it('streams one chat example per eligible verdict', async () => {
    const response = await request(service.app.server).get('/v1/training-data/export').expect(200);
    expect(response.headers['content-type']).toContain('application/x-ndjson');
    const lines = response.text.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => line.metadata.verdict_id)).toEqual([keptId]);

    const [example] = lines;
    expect(example.messages.map((message: { role: string }) => message.role)).toEqual(['system', 'user', 'assistant']);
    expect(example.messages[0].content).toContain('broadly_safe');
    expect(example.messages[1].content).toContain('ls -la');
    expect(example.messages[2].content).toContain('Decision: allow');
    expect(example.messages[2].content).toContain('consent');
  });

  it('keeps opted-out verdicts queryable but out of the export', async () => {
    const stored = await request(service.app.server).get(`/v1/verdicts/${optedOutId}`).expect(200);
    expect(stored.body.training).toEqual({ eligible: false, reason: 'the request opted out of training use' });
    const response = await request(service.app.server).get('/v1/training-data/export').expect(200);
    expect(response.text).not.toContain(optedOutId);
  });

  it('applies filters', async () => {
    const response = await request(service.app.server).get('/v1/training-data/export?decision=deny').expect(200);
    expect(response.text).toBe('');
  });
});
