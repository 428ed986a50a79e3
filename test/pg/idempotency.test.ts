import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, type TestSchema } from '../helpers/postgres.ts';
import { requestBody, startTestService, type TestService } from '../helpers/service.ts';

let schema: TestSchema;
let first: TestService;
let second: TestService;

beforeAll(async () => {
  schema = await createTestSchema();
  [first, second] = await Promise.all([
    startTestService({ DATABASE_URL: schema.url }),
    startTestService({ DATABASE_URL: schema.url }),
  ]);
});
afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
  await schema?.drop();
});

function post(service: TestService, key: string, body: Record<string, unknown>) {
  return request(service.app.server).post('/v1/deliberations').set('idempotency-key', key).send(body);
}

/** Verdicts stored whose request ran the given shell command. */
async function storedCount(command: string): Promise<number> {
  const result = await schema.query<{ count: number }>(
    "SELECT count(*)::int AS count FROM verdicts WHERE request -> 'action' -> 'input' ->> 'command' = $1",
    [command],
  );
  return result.rows[0]!.count;
}

function committedLines(): string[] {
  return [...first.logLines, ...second.logLines].filter((line) => line.includes('"verdict committed"'));
}

describe('Idempotency-Key across two instances on one PostgreSQL schema', () => {
  it('returns the first instance verdict from the second', async () => {
    const body = requestBody('rm -rf ./dist', 'Clean the dist folder');
    const committedBefore = committedLines().length;
    const posted = await post(first, 'replica-retry', body).expect(200);
    const retried = await post(second, 'replica-retry', body).expect(200);

    expect(retried.body).toEqual(posted.body);
    expect(posted.headers['idempotent-replayed']).toBeUndefined();
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(await storedCount('rm -rf ./dist')).toBe(1);
    expect(committedLines().length - committedBefore).toBe(1);
  });

  it('stores one verdict when both instances get the key at once', async () => {
    // Several rounds, because one round may not overlap the two commits.
    for (let round = 0; round < 5; round += 1) {
      const command = `ls -la ./race-${round}`;
      const body = requestBody(command, 'List the files');
      const responses = await Promise.all([post(first, `race-${round}`, body), post(second, `race-${round}`, body)]);

      expect(responses.map((response) => response.status)).toEqual([200, 200]);
      expect(responses[1]!.body.id).toBe(responses[0]!.body.id);
      const replayed = responses.filter((response) => response.headers['idempotent-replayed'] === 'true');
      expect(replayed).toHaveLength(1);
      expect(await storedCount(command)).toBe(1);
    }
  });

  it('rejects the key with another body on the other instance', async () => {
    await post(first, 'replica-reused', requestBody('ls ./a', 'List a')).expect(200);
    const response = await post(second, 'replica-reused', requestBody('ls ./b', 'List a'));

    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('GUARD_ERR_IDEMPOTENCY_KEY_REUSED');
    expect(await storedCount('ls ./b')).toBe(0);
  });

  it('keeps the bindings in the shared table', async () => {
    const rows = await schema.query<{ owner: string; key: string }>('SELECT owner, key FROM idempotency_keys ORDER BY key');
    expect(rows.rows.map((row) => `${row.owner}/${row.key}`)).toEqual([
      'open/race-0',
      'open/race-1',
      'open/race-2',
      'open/race-3',
      'open/race-4',
      'open/replica-retry',
      'open/replica-reused',
    ]);
  });
});
