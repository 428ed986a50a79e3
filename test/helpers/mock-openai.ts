import { startMockLlmServer, type MockBehaviour, type MockDialect, type MockLlmServer } from './mock-llm-server.ts';

export const MOCK_OPENAI_KEY = 'local-test-key';

/**
 * An OpenAI-compatible chat completions endpoint as vLLM or the llama.cpp server expose it:
 * `POST /v1/chat/completions` with a bearer key. A verdict goes out as a tool call when the
 * request forced a tool, and as message content when it asked for JSON-schema output.
 */
function openAiDialect(): MockDialect {
  return {
    path: '/v1/chat/completions',
    rejectCredentials(request, reply) {
      if (request.headers.authorization === `Bearer ${MOCK_OPENAI_KEY}`) return false;
      void reply.code(401).send({ error: { message: 'invalid api key', type: 'invalid_request_error' } });
      return true;
    },
    answer(behaviour, request, call) {
      if (behaviour.kind === 'status') {
        return { status: behaviour.status, body: { error: { message: `mock error ${behaviour.status}`, type: 'server_error' } } };
      }
      const asTool = request.body.tool_choice !== undefined;
      const verdictText = behaviour.kind === 'verdict' ? JSON.stringify(behaviour.input) : undefined;
      const truncated = behaviour.kind === 'verdict' && behaviour.stop === 'max_tokens';
      const arguments_ = truncated && verdictText ? verdictText.slice(0, Math.floor(verdictText.length / 2)) : verdictText;
      const message =
        verdictText === undefined
          ? { role: 'assistant', content: behaviour.kind === 'text' ? behaviour.text : '' }
          : asTool
            ? {
                role: 'assistant',
                content: null,
                tool_calls: [{ id: `call_${call}`, type: 'function', function: { name: 'record_verdict', arguments: arguments_ } }],
              }
            : { role: 'assistant', content: arguments_ };
      const promptTokens = Math.ceil(JSON.stringify(request.body.messages).length / 4);
      return {
        status: 200,
        body: {
          id: `chatcmpl-${call}`,
          object: 'chat.completion',
          created: 1_780_000_000,
          model: request.body.model,
          choices: [{ index: 0, message, finish_reason: truncated ? 'length' : verdictText && asTool ? 'tool_calls' : 'stop' }],
          usage: {
            prompt_tokens: promptTokens,
            completion_tokens: Math.ceil((arguments_ ?? '').length / 4),
            total_tokens: promptTokens + Math.ceil((arguments_ ?? '').length / 4),
            prompt_tokens_details: { cached_tokens: call > 1 ? 512 : 0 },
          },
        },
      };
    },
  };
}

/** Starts an OpenAI-compatible chat completions mock on 127.0.0.1. */
export function startMockOpenAi(initial: MockBehaviour): Promise<MockLlmServer> {
  return startMockLlmServer(openAiDialect(), initial);
}
