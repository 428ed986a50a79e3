import { afterAll, beforeAll, beforeEach } from 'vitest';
import { MOCK_ANTHROPIC_KEY, startMockAnthropic } from './mock-anthropic.ts';
import type { MockBehaviour, MockLlmServer } from './mock-llm-server.ts';
import { startTestService, type TestService } from './service.ts';

/** A test service whose LLM engines call a Messages API mock; both exist while the file's tests run. */
export interface MockedGuard {
  readonly mock: MockLlmServer;
  readonly service: TestService;
}

/**
 * Registers vitest hooks for one test file: before its tests, start a Messages API mock
 * answering with `initial` and the guard on the claude engine pointed at it. Before each
 * test, forget the received requests and answer with `initial` again. After all, stop both.
 * `env` is read in the before-all hook, so it may name folders that an earlier hook creates.
 */
export function useGuardWithMockAnthropic(initial: MockBehaviour, env: () => Record<string, string> = () => ({})): MockedGuard {
  let running: MockedGuard | undefined;
  const current = (): MockedGuard => {
    if (!running) throw new Error('the mocked guard runs only inside the tests of the file that registered it');
    return running;
  };

  beforeAll(async () => {
    const mock = await startMockAnthropic(initial);
    const service = await startTestService({
      GUARD_ENGINE: 'claude',
      ANTHROPIC_API_KEY: MOCK_ANTHROPIC_KEY,
      ANTHROPIC_BASE_URL: mock.url,
      ...env(),
    });
    running = { mock, service };
  });
  beforeEach(() => {
    current().mock.received.length = 0;
    current().mock.respond(initial);
  });
  afterAll(async () => {
    await running?.service.stop();
    await running?.mock.close();
  });

  return {
    get mock() {
      return current().mock;
    },
    get service() {
      return current().service;
    },
  };
}
