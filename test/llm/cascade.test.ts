import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { VerdictSchema, type Verdict } from '../../src/deliberation/verdict.ts';
import { useGuardWithMockAnthropic } from '../helpers/mock-guard.ts';
import { judgeAnswer } from '../helpers/mock-verdict.ts';
import { requestBody } from '../helpers/service.ts';

const guard = useGuardWithMockAnthropic(
  { kind: 'verdict', input: judgeAnswer('escalate') },
  () => ({ GUARD_ENGINE: 'cascade' }),
);

async function deliberate(command: string, userRequest: string, extra: Record<string, unknown> = {}): Promise<Verdict> {
  const response = await request(guard.service.app.server)
    .post('/v1/deliberations')
    .send(requestBody(command, userRequest, extra))
    .expect(200);
  return VerdictSchema.parse(response.body);
}

describe('cascade engine', () => {
  it('settles a confident allow at the rubric tier', async () => {
    const verdict = await deliberate('ls -la', 'List the files here');

    expect(guard.mock.received).toHaveLength(0);
    expect(verdict.decision).toBe('allow');
    expect(verdict.engine).toMatchObject({ id: 'cascade', decided_by: 'rubric', tier: 'rubric' });
    expect(verdict.engine.tokens).toBeUndefined();
  });

  it('settles a hard-constraint deny at the rubric tier', async () => {
    const verdict = await deliberate('rm -rf ~/work', 'Tidy my home directory a bit');

    expect(guard.mock.received).toHaveLength(0);
    expect(verdict.decision).toBe('deny');
    expect(verdict.engine).toMatchObject({ decided_by: 'rubric', tier: 'rubric' });
  });

  it('sends a grey-band verdict to the LLM tier', async () => {
    const rubric = await deliberate('chmod -R 777 /var/www', 'Fix the permissions', { engine: 'rubric' });
    expect(rubric.risk).toBeGreaterThanOrEqual(0.25);
    expect(rubric.risk).toBeLessThanOrEqual(0.7);

    const verdict = await deliberate('chmod -R 777 /var/www', 'Fix the permissions');
    expect(guard.mock.received).toHaveLength(1);
    expect(verdict.decision).toBe('escalate');
    expect(verdict.engine).toMatchObject({ id: 'cascade', decided_by: 'claude', tier: 'llm' });
    expect(verdict.engine.tokens?.output).toBeGreaterThan(0);
  });

  it('applies the fail mode at the LLM tier when the LLM fails', async () => {
    guard.mock.respond({ kind: 'status', status: 400 });
    const verdict = await deliberate('chmod -R 777 /var/www', 'Fix the permissions');

    expect(verdict.decision).toBe('escalate');
    expect(verdict.engine).toMatchObject({ id: 'cascade', decided_by: 'fail_mode', tier: 'llm' });
    expect(verdict.engine.fail_mode?.reason).toBe('llm_unavailable');
  });

  it('lets a request choose the claude engine directly', async () => {
    const verdict = await deliberate('ls -la', 'List the files here', { engine: 'claude' });

    expect(guard.mock.received).toHaveLength(1);
    expect(verdict.engine).toMatchObject({ id: 'claude', decided_by: 'claude' });
    expect(verdict.engine.tier).toBeUndefined();
  });
});
