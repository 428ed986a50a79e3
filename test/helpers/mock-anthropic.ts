import { startMockLlmServer, type MockBehaviour, type MockDialect, type MockLlmServer } from './mock-llm-server.ts';

export const MOCK_ANTHROPIC_KEY = 'sk-ant-test-0000';

/** Estimates tokens as the API roughly counts them, about four characters each. */
function tokens(text: string): number {
  return Math.ceil(text.length / 4);
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/**
 * The Messages API as the real SDK sees it: `POST /v1/messages` with the API key, answering
 * with message objects whose usage reports a cache write for the first system prompt it
 * receives and cache reads for the same prompt after that.
 */
function anthropicDialect(): MockDialect {
  const cachedSystems = new Set<string>();
  return {
    path: '/v1/messages',
    rejectCredentials(request, reply) {
      // SDK 1.x sends the key as a bearer token; the API also accepts x-api-key.
      const key = request.headers['x-api-key'] ?? request.headers.authorization?.replace(/^Bearer /, '');
      if (key === MOCK_ANTHROPIC_KEY) return false;
      void reply.code(401).send({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
      return true;
    },
    answer(behaviour, request, call) {
      if (behaviour.kind === 'status') {
        const type = ERROR_TYPES[behaviour.status] ?? 'api_error';
        return { status: behaviour.status, body: { type: 'error', error: { type, message: `mock ${type}` } } };
      }
      const system = JSON.stringify(request.body.system ?? '');
      const cached = cachedSystems.has(system);
      cachedSystems.add(system);
      const content =
        behaviour.kind === 'text'
          ? [{ type: 'text', text: behaviour.text }]
          : [{ type: 'tool_use', id: `toolu_mock_${call}`, name: 'record_verdict', input: behaviour.input }];
      const stopReason = behaviour.kind === 'text' ? 'end_turn' : (behaviour.stop ?? 'tool_use');
      return {
        status: 200,
        body: {
          id: `msg_mock_${call}`,
          type: 'message',
          role: 'assistant',
          model: request.body.model,
          content,
          stop_reason: stopReason,
          stop_sequence: null,
          usage: {
            input_tokens: tokens(JSON.stringify(request.body.messages)),
            output_tokens: tokens(JSON.stringify(content)),
            cache_creation_input_tokens: cached ? 0 : tokens(system),
            cache_read_input_tokens: cached ? tokens(system) : 0,
          },
        },
      };
    },
  };
}

/** Starts a Messages API mock on 127.0.0.1, on a free port unless `port` is given. */
export function startMockAnthropic(initial: MockBehaviour, port = 0): Promise<MockLlmServer> {
  return startMockLlmServer(anthropicDialect(), initial, port);
}
