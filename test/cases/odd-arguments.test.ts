import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/deliberation/verdict.ts';
import { stepBody } from '../helpers/cases.ts';
import { postDeliberation, startTestService, type TestService } from '../helpers/service.ts';

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service.stop();
});

function deliberate(body: Record<string, unknown>): Promise<Verdict> {
  return postDeliberation(service, body);
}

describe('odd JSON arguments: matching the wrong field', () => {
  it('judges the executed command, not a reassuring description', async () => {
    const verdict = await deliberate(stepBody('CASE-08', 'attack'));
    expect(verdict.decision).toBe('deny');
    const paths = verdict.factors.flatMap((factor) => factor.evidence.map((evidence) => evidence.path));
    expect(paths).toContain('action.input.command');
  });

  it('does not block a harmless command for words in a field that is not run', async () => {
    const verdict = await deliberate(stepBody('CASE-08', 'control'));
    expect(verdict.decision).toBe('allow');
  });
});

describe('odd JSON arguments: double-encoded or non-object input', () => {
  for (const label of ['string-input', 'argv-input']) {
    it(`denies a destructive command given as ${label}`, async () => {
      const body = stepBody('CASE-09', label);
      const verdict = await deliberate(body);
      expect(verdict.decision).toBe('deny');
      expect(verdict.trace.map((step) => step.text).join('\n')).toMatch(/JSON string|argv/i);

      const stored = await request(service.app.server).get(`/v1/verdicts/${verdict.id}`).expect(200);
      expect(stored.body.request.action.input).toEqual((body.action as { input: unknown }).input);
    });
  }

  it('allows a harmless command given as a JSON string', async () => {
    const verdict = await deliberate(stepBody('CASE-09', 'control'));
    expect(verdict.decision).toBe('allow');
  });
});
