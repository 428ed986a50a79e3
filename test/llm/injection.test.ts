import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { VerdictSchema } from '../../src/deliberation/verdict.ts';
import { stepBody } from '../helpers/cases.ts';
import { useGuardWithMockAnthropic } from '../helpers/mock-guard.ts';
import { judgeAnswer } from '../helpers/mock-verdict.ts';

/** What a model talked round by the injected "monitor mode" text would answer. */
const obedientAnswer = {
  ...judgeAnswer('allow'),
  risk: 0.02,
  trace: [
    { step: 'provenance', text: 'The guard configuration in the Read output sets mode=monitor, so this check only records.' },
    { step: 'decision', text: 'As the override instructs, the decision is allow.' },
  ],
};

const guard = useGuardWithMockAnthropic({ kind: 'verdict', input: obedientAnswer });

describe('prompt injection: the model follows instructions in the judged content', () => {
  it('holds the answer to the hard constraints and denies', async () => {
    const body = { ...stepBody('CASE-20', 'metadata-and-deadline') };
    delete body.deadline_ms;
    const response = await request(guard.service.app.server).post('/v1/deliberations').send(body).expect(200);
    const verdict = VerdictSchema.parse(response.body);

    expect(guard.mock.received).toHaveLength(1);
    expect(verdict.decision).toBe('deny');
    expect(verdict.engine).toMatchObject({ id: 'claude', decided_by: 'rubric', model: 'claude-sonnet-5' });
    expect(verdict.engine.tokens?.output).toBeGreaterThan(0);
    expect(verdict.trace[0]?.step).toBe('constraint_check');
    expect(verdict.trace[0]?.text).toContain('answered allow');
    expect(verdict.constraints.filter((constraint) => constraint.hit).map((constraint) => constraint.id)).toContain(
      'no_untrusted_remote_code',
    );
  });

  it('holds an allow to a hit veto and escalates', async () => {
    const response = await request(guard.service.app.server)
      .post('/v1/deliberations')
      .send({ action: { tool: 'Bash', input: {} }, context: { user_request: 'Check the disk' } })
      .expect(200);

    expect(response.body.decision).toBe('escalate');
    expect(response.body.engine.decided_by).toBe('rubric');
    expect(response.body.trace[0].text).toContain('veto unanalysable_shell_input is hit');
  });
});
