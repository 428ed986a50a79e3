import { existsSync, readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepBody } from '../helpers/cases.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { leakedSamples, SENSITIVE_SAMPLES } from './corpus.ts';

/** The values regression case CASE-10 greps for, plus every sample of the shared corpus. */
const CASE_VALUES = ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'CorrectHorsePLACEHOLDER', 'ghp_EXAMPLEP', 'jane.doe@example.com'];
const CREDENTIAL_PATH = 'action.input.options.auth.aws.profile.credentials.aws_secret_access_key';

function leaks(text: string): string[] {
  return [...CASE_VALUES.filter((value) => text.includes(value)), ...leakedSamples(text).map((sample) => `${sample.kind}: ${sample.value}`)];
}

/** Builds a request that carries every corpus sample: in the tool input, the user request, the history and the metadata. */
function corpusRequest(): Record<string, unknown> {
  const texts = SENSITIVE_SAMPLES.map((sample) => sample.text);
  return {
    constitution: 'default',
    action: { tool: 'Bash', input: { command: `echo '${texts.slice(0, 12).join(' ; ')}' > notes.txt`, env: texts.slice(12, 24) } },
    context: {
      user_request: `Save these notes: ${texts.slice(24).join(' | ')}`,
      history: texts.map((text) => ({ role: 'tool', name: 'Read', content: text })),
      metadata: { contact: SENSITIVE_SAMPLES.find((sample) => sample.kind === 'email')!.value },
    },
  };
}

/** Reads the SQLite file and its WAL and shared-memory files as bytes, decoded loosely. */
function databaseBytes(service: TestService): string {
  return ['', '-wal', '-shm']
    .map((suffix) => `${service.databaseFile}${suffix}`)
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file).toString('latin1'))
    .join('\n');
}

/** Sends one GraphQL operation over HTTP POST /graphql, expects 200 without errors and returns the raw response. */
async function postGraphql(service: TestService, query: string, variables?: Record<string, unknown>): Promise<request.Response> {
  const response = await request(service.app.server).post('/graphql').send({ query, variables }).expect(200);
  expect(response.body.errors).toBeUndefined();
  return response;
}

describe('CASE-10: secrets and personal data stay out of store, responses, export and logs', () => {
  let service: TestService;
  let verdictIds: string[] = [];
  let responses: string[] = [];

  beforeAll(async () => {
    service = await startTestService({ LOG_LEVEL: 'trace' });
    for (const body of [stepBody('CASE-10', 'post'), corpusRequest()]) {
      const response = await request(service.app.server).post('/v1/deliberations').send(body).expect(200);
      verdictIds.push(response.body.id);
      responses.push(response.text);
    }
  });
  afterAll(async () => {
    await service.stop();
  });

  it('judges the real values: evidence names the credential field', async () => {
    const verdict = JSON.parse(responses[0]!);
    const paths = verdict.factors.flatMap((factor: { evidence: Array<{ path: string }> }) => factor.evidence.map((entry) => entry.path));
    const findingPaths = verdict.findings.flatMap((finding: { evidence: Array<{ path: string }> }) => finding.evidence.map((entry) => entry.path));
    expect([...paths, ...findingPaths]).toContain(CREDENTIAL_PATH);
  });

  it('does not echo sensitive values in the responses', () => {
    for (const text of responses) expect(leaks(text)).toEqual([]);
  });

  it('keeps them out of the verdict reads, with typed placeholders', async () => {
    for (const id of verdictIds) {
      const response = await request(service.app.server).get(`/v1/verdicts/${id}`).expect(200);
      expect(leaks(response.text)).toEqual([]);
    }
    const stored = (await request(service.app.server).get(`/v1/verdicts/${verdictIds[0]}`).expect(200)).body;
    expect(stored.request.action.input.options.auth.aws.profile.credentials.aws_secret_access_key).toBe('[REDACTED:aws_secret_key]');
    expect(stored.request.action.input.notify.email).toBe('[EMAIL_1]');
    expect(stored.request.context.history[1].content).toContain('postgres://app:[REDACTED:password]@db.internal');
    const list = await request(service.app.server).get('/v1/verdicts?limit=10').expect(200);
    expect(leaks(list.text)).toEqual([]);
  });

  it.each(['deliberation', 'anthropic', 'openai'])('keeps them out of the %s export', async (format) => {
    const response = await request(service.app.server).get(`/v1/training-data/export?format=${format}&include_rubric=true`).expect(200);
    expect(response.text.trimEnd().split('\n')).toHaveLength(2);
    expect(leaks(response.text)).toEqual([]);
  });

  it('keeps them out of the GraphQL verdict query', async () => {
    // The case writes `trace` without a selection; TraceStep is an object type, so GraphQL
    // requires `trace { step text }`.
    const query = 'query($id: ID!) { verdict(id: $id) { id decision trace { step text } } }';
    for (const id of verdictIds) {
      const response = await postGraphql(service, query, { id });
      expect(leaks(response.text)).toEqual([]);
      const verdict = response.body.data.verdict;
      expect(verdict.id).toBe(id);
      const stored = (await request(service.app.server).get(`/v1/verdicts/${id}`).expect(200)).body;
      expect(verdict.decision).toBe(stored.decision);
      expect(verdict.trace.length).toBeGreaterThan(0);
      expect(verdict.trace).toEqual(stored.trace);
      // Redaction replaces secrets, not prose: the credential finding still reads as written.
      expect(verdict.trace.map((step: { text: string }) => step.text).join(' ')).toContain('The input carries credentials');
    }
  });

  it('keeps them out of the GraphQL request, factors and findings', async () => {
    const evidence = 'evidence { path source raw normalized }';
    const fields = `id factors { id rationale ${evidence} } findings { kind detail ${evidence} }
      benefits { rationale } heuristics { note } constraints { note }
      request { action { tool input } context { user_request history { role name content } metadata } }`;
    const single = await postGraphql(service, `query($id: ID!) { verdict(id: $id) { ${fields} } }`, { id: verdictIds[0] });
    expect(leaks(single.text)).toEqual([]);

    const verdict = single.body.data.verdict;
    const input = verdict.request.action.input;
    expect(input.options.auth.aws.profile.credentials.aws_secret_access_key).toBe('[REDACTED:aws_secret_key]');
    expect(input.notify.email).toBe('[EMAIL_1]');
    const toolOutput = verdict.request.context.history[1].content;
    expect(toolOutput).toContain('postgres://app:[REDACTED:password]@db.internal');
    expect(toolOutput).toContain('GITHUB_TOKEN=[REDACTED:github_token]');
    const evidencePaths = verdict.factors.flatMap((factor: { evidence: Array<{ path: string }> }) => factor.evidence.map((entry) => entry.path));
    expect(evidencePaths).toContain(CREDENTIAL_PATH);
    expect(verdict.findings.length).toBeGreaterThan(0);

    // The connection reads every verdict, including the corpus request's.
    const list = await postGraphql(service, `{ verdicts(first: 10) { edges { node { ${fields} } } } }`);
    expect(list.body.data.verdicts.edges.map((edge: { node: { id: string } }) => edge.node.id).sort()).toEqual([...verdictIds].sort());
    expect(leaks(list.text)).toEqual([]);
  });

  it('keeps them out of the SQLite file, its WAL and the log lines', async () => {
    expect(databaseBytes(service)).toContain(verdictIds[0]);
    expect(leaks(databaseBytes(service))).toEqual([]);
    expect(service.logLines.some((line) => line.includes(verdictIds[0]!))).toBe(true);
    expect(leaks(service.logLines.join('\n'))).toEqual([]);
  });

  it('redacts values that reach a log line through an error', () => {
    service.logger.warn({ err: new Error('upload failed for jane.doe@example.com with token=abc123456') }, 'upload failed');
    const line = service.logLines.at(-1)!;
    expect(JSON.parse(line).err.message).toBe('upload failed for [EMAIL_1] with token=[REDACTED:token]');
  });
});

describe('redaction settings', () => {
  it('reaches the same verdict with storage redaction off', async () => {
    const on = await startTestService();
    const off = await startTestService({ GUARD_REDACT_STORAGE: 'false' });
    try {
      const body = stepBody('CASE-10', 'post');
      const redacted = (await request(on.app.server).post('/v1/deliberations').send(body).expect(200)).body;
      const raw = (await request(off.app.server).post('/v1/deliberations').send(body).expect(200)).body;
      expect(raw.decision).toBe(redacted.decision);
      expect(raw.risk).toBe(redacted.risk);
      expect(raw.factors.map((factor: { score: number }) => factor.score)).toEqual(redacted.factors.map((factor: { score: number }) => factor.score));

      // Stored unredacted, the request keeps the values; the export still redacts them.
      expect(databaseBytes(off)).toContain('jane.doe@example.com');
      const exported = await request(off.app.server).get('/v1/training-data/export?include_rubric=true').expect(200);
      expect(leaks(exported.text)).toEqual([]);
    } finally {
      await on.stop();
      await off.stop();
    }
  });

  it('rejects an invalid setting naming the variable', async () => {
    await expect(startTestService({ GUARD_REDACT_STORAGE: 'yes' })).rejects.toThrow(/GUARD_REDACT_STORAGE/);
  });
});
