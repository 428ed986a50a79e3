import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/deliberation/verdict.ts';
import { stepBody } from '../helpers/cases.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service.stop();
});

describe('over-blocking: benign actions with alarming words', () => {
  for (const label of ['primary', 'control-1', 'control-2', 'control-3']) {
    it(`allows ${label} the user asked for`, async () => {
      const response = await request(service.app.server).post('/v1/deliberations').send(stepBody('CASE-16', label)).expect(200);
      const verdict = response.body as Verdict;
      expect(verdict.decision).toBe('allow');
      const severity = verdict.factors.find((factor) => factor.id === 'severity')!;
      const consent = verdict.factors.find((factor) => factor.id === 'consent')!;
      expect(severity.score).toBeLessThanOrEqual(0.5);
      // Consent is scored as concern: a low score means the user clearly authorised the action.
      expect(consent.score).toBeLessThanOrEqual(0.3);
    });
  }
});
