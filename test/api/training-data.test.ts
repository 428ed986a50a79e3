import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetCardSchema } from '../../src/harvest/card.ts';
import { OpenAiExampleSchema } from '../../src/harvest/formats.ts';
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
  it('leaves rubric traces out by default', async () => {
    const response = await request(service.app.server).get('/v1/training-data/export').expect(200);
    expect(response.text).toBe('');
  });

  it('streams one deliberation line per eligible verdict', async () => {
    const response = await request(service.app.server).get('/v1/training-data/export?include_rubric=true').expect(200);
    expect(response.headers['content-type']).toContain('application/x-ndjson');
    const lines = response.text.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => line.id)).toEqual([keptId]);
    expect(lines[0].factors).toHaveLength(8);
    expect(lines[0].scenario).toContain('ls -la');
  });

  it('streams OpenAI chat lines with format=openai', async () => {
    const response = await request(service.app.server).get('/v1/training-data/export?include_rubric=true&format=openai').expect(200);
    const [example] = response.text.trimEnd().split('\n').map((line) => OpenAiExampleSchema.parse(JSON.parse(line)));
    expect(example?.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant']);
    expect(example?.messages[0]?.content).toContain('broadly_safe');
    expect(example?.messages[2]?.content).toContain('Decision: allow');
  });

  it('keeps opted-out verdicts queryable but out of the export', async () => {
    const stored = await request(service.app.server).get(`/v1/verdicts/${optedOutId}`).expect(200);
    expect(stored.body.training).toEqual({ eligible: false, reason: 'the request opted out of training use' });
    const response = await request(service.app.server).get('/v1/training-data/export?include_rubric=true').expect(200);
    expect(response.text).not.toContain(optedOutId);
  });

  it('applies filters', async () => {
    const response = await request(service.app.server).get('/v1/training-data/export?include_rubric=true&decision=deny').expect(200);
    expect(response.text).toBe('');
  });

  it('rejects an unknown format naming the field', async () => {
    const response = await request(service.app.server).get('/v1/training-data/export?format=csv').expect(400);
    expect(response.body.error.code).toBe('GUARD_ERR_VALIDATION');
    expect(JSON.stringify(response.body.error.details)).toContain('format');
  });
});

describe('GET /v1/training-data/card', () => {
  it('returns the card of the same export', async () => {
    const response = await request(service.app.server).get('/v1/training-data/card?include_rubric=true').expect(200);
    const card = DatasetCardSchema.parse(response.body);
    expect(card.counts).toMatchObject({ scanned: 2, exported: 1 });
    expect(card.excluded.training_ineligible).toBe(1);
    expect(card.command).toBe('GET /v1/training-data/export?include_rubric=true');
    expect(card.constitutions[0]?.id).toBe('default');
  });
});
