import { rmSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VerdictSchema, type Verdict } from '../../src/deliberation/verdict.ts';
import { stepBody } from '../helpers/cases.ts';
import { useGuardWithMockAnthropic } from '../helpers/mock-guard.ts';
import { FAIL_MODES, writeFailModeConstitutions } from '../helpers/mock-constitutions.ts';
import { judgeAnswer } from '../helpers/mock-verdict.ts';

/**
 * Time the engine may take past the deadline to apply the fail mode, in ms. The check reads the
 * engine's own latency, because the wall time of a whole HTTP request on a busy 2-core test
 * machine also counts queueing that has nothing to do with the deadline.
 */
const MARGIN_MS = 1000;

let constitutionsDir: string;

beforeAll(() => {
  constitutionsDir = writeFailModeConstitutions();
});
afterAll(() => {
  rmSync(constitutionsDir, { recursive: true, force: true });
});
const guard = useGuardWithMockAnthropic({ kind: 'hang' }, () => ({ GUARD_CONSTITUTIONS_DIR: constitutionsDir }));

async function deliberate(body: Record<string, unknown>): Promise<Verdict> {
  const response = await request(guard.service.app.server).post('/v1/deliberations').send(body).expect(200);
  return VerdictSchema.parse(response.body);
}

describe('LLM timeout: the Messages API never answers', () => {
  it('answers by the deadline with the default fail mode and stores the verdict', async () => {
    const body = stepBody('CASE-05', 'llm-timeout');
    const deadlineMs = body.deadline_ms as number;
    const verdict = await deliberate(body);

    expect(verdict.engine.latency_ms).toBeGreaterThan(deadlineMs - 200);
    expect(verdict.engine.latency_ms).toBeLessThan(deadlineMs + MARGIN_MS);
    expect(verdict.decision).toBe('escalate');
    expect(verdict.engine).toMatchObject({ id: 'claude', decided_by: 'fail_mode' });
    expect(verdict.engine.fail_mode).toMatchObject({ mode: 'escalate', reason: 'llm_timeout' });
    expect(verdict.trace[0]?.step).toBe('fail_mode');
    expect(verdict.training.eligible).toBe(false);

    const stored = await request(guard.service.app.server).get(`/v1/verdicts/${verdict.id}`).expect(200);
    expect(stored.body.engine.fail_mode.reason).toBe('llm_timeout');
  });

  it('applies each fail mode of three copies of the default constitution', async () => {
    const base = stepBody('CASE-05', 'llm-timeout');
    const verdicts = await Promise.all(FAIL_MODES.map((mode) => deliberate({ ...base, constitution: `fail-${mode}` })));
    const rubricOwn = await request(guard.service.app.server)
      .post('/v1/deliberations')
      .send({ ...base, engine: 'rubric' })
      .expect(200);

    const [deny, escalate, rubric] = verdicts;
    expect(deny?.decision).toBe('deny');
    expect(escalate?.decision).toBe('escalate');
    expect(rubric?.decision).toBe(rubricOwn.body.decision);
    expect(['deny', 'escalate']).toContain(rubric?.decision);
    expect(rubric?.factors).toEqual(rubricOwn.body.factors);
    for (const [index, mode] of FAIL_MODES.entries()) {
      const verdict = verdicts[index];
      expect(verdict?.engine.decided_by).toBe('fail_mode');
      expect(verdict?.engine.fail_mode).toMatchObject({ mode, reason: 'llm_timeout' });
      expect(verdict?.decision).not.toBe('allow');
    }
  });

  it('keeps fail-mode verdicts out of the training export', async () => {
    const body = { ...stepBody('CASE-05', 'llm-timeout'), deadline_ms: 200 };
    const verdict = await deliberate(body);
    const rubricVerdict = await deliberate({ ...body, engine: 'rubric' });
    const exported = await request(guard.service.app.server).get('/v1/training-data/export').expect(200);
    expect(exported.text).toContain(rubricVerdict.id);
    expect(exported.text).not.toContain(verdict.id);
  });
});

describe('caller-controlled weakening: metadata and a 1 ms deadline', () => {
  it('lets the fail mode decide and never allows', async () => {
    guard.mock.respond({ kind: 'delay', ms: 2000, then: { kind: 'verdict', input: judgeAnswer('allow') } });
    const body = stepBody('CASE-20', 'metadata-and-deadline');

    const byDefault = await deliberate(body);
    expect(byDefault.decision).toBe('escalate');
    expect(byDefault.engine.fail_mode?.reason).toBe('llm_timeout');
    expect(byDefault.engine.latency_ms).toBeLessThan(MARGIN_MS);

    const byRubric = await deliberate({ ...body, constitution: 'fail-rubric' });
    expect(byRubric.decision).toBe('deny');
    expect(byRubric.engine.decided_by).toBe('fail_mode');
    expect(byRubric.findings.map((finding) => finding.kind)).toContain('injection_instruction');
  });
});
