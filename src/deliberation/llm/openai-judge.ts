import OpenAI from 'openai';
import { VERDICT_TOOL_DESCRIPTION, VERDICT_TOOL_NAME, verdictInputSchema } from './judge-answer.ts';
import { describeMissingToolCall, sdkFailReason, type JudgeCall, type JudgeClient, type JudgeReply } from './judge-client.ts';

/** Output mode of the verdict: a forced function call, or JSON output under a JSON Schema. */
export type OpenAiOutputMode = 'tools' | 'json_schema';

export interface OpenAiJudgeOptions {
  readonly baseURL: string;
  readonly apiKey: string;
  readonly model: string;
  readonly output: OpenAiOutputMode;
  readonly maxTokens: number;
  readonly temperature: number;
  /** Upper bound of one HTTP attempt in milliseconds; the request's deadline also bounds it. */
  readonly timeoutMs: number;
  readonly maxRetries: number;
}

function parseJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Reads the verdict from a completion choice, from the tool call or from the message text. */
function readVerdict(message: OpenAI.Chat.ChatCompletionMessage, output: OpenAiOutputMode): Pick<JudgeReply, 'input' | 'missing'> {
  if (output === 'json_schema') {
    const parsed = parseJson(message.content ?? '');
    return 'value' in parsed ? { input: parsed.value } : { input: undefined, missing: `the answer is not valid JSON: ${parsed.error}` };
  }
  const call = message.tool_calls?.find((entry) => entry.type === 'function' && entry.function.name === VERDICT_TOOL_NAME);
  if (call?.type !== 'function') return { input: undefined, missing: describeMissingToolCall(message.content ?? '') };
  const parsed = parseJson(call.function.arguments);
  return 'value' in parsed
    ? { input: parsed.value }
    : { input: undefined, missing: `the ${VERDICT_TOOL_NAME} arguments are not valid JSON: ${parsed.error}` };
}

/**
 * Creates a judge client for an OpenAI-compatible chat completions endpoint, as vLLM, the
 * llama.cpp server and Ollama serve it. `max_tokens` is sent rather than
 * `max_completion_tokens` because those servers accept it.
 */
export function createOpenAiJudge(options: OpenAiJudgeOptions): JudgeClient {
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    maxRetries: options.maxRetries,
    timeout: options.timeoutMs,
    logLevel: 'off',
  });
  const schema = verdictInputSchema();
  const format: Pick<OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, 'tools' | 'tool_choice' | 'response_format'> =
    options.output === 'tools'
      ? {
          tools: [{ type: 'function', function: { name: VERDICT_TOOL_NAME, description: VERDICT_TOOL_DESCRIPTION, parameters: schema } }],
          tool_choice: { type: 'function', function: { name: VERDICT_TOOL_NAME } },
        }
      : { response_format: { type: 'json_schema', json_schema: { name: VERDICT_TOOL_NAME, description: VERDICT_TOOL_DESCRIPTION, schema } } };

  async function ask(call: JudgeCall): Promise<JudgeReply> {
    const user = call.retryNote ? `${call.prompt.user}\n\n${call.retryNote}` : call.prompt.user;
    const completion = await client.chat.completions.create(
      {
        model: options.model,
        max_tokens: options.maxTokens,
        temperature: options.temperature,
        messages: [
          { role: 'system', content: call.prompt.system },
          { role: 'user', content: user },
        ],
        ...format,
      },
      { signal: call.signal, timeout: Math.min(options.timeoutMs, call.timeoutMs) },
    );

    const choice = completion.choices[0];
    const cached = completion.usage?.prompt_tokens_details?.cached_tokens ?? 0;
    return {
      ...(choice ? readVerdict(choice.message, options.output) : { input: undefined, missing: 'the answer has no choices' }),
      truncated: choice?.finish_reason === 'length',
      usage: {
        input: (completion.usage?.prompt_tokens ?? 0) - cached,
        output: completion.usage?.completion_tokens ?? 0,
        cache_read: cached,
        cache_write: 0,
      },
      model: completion.model || options.model,
    };
  }

  return {
    model: options.model,
    maxTokens: options.maxTokens,
    ask,
    failReasonOf: (error, signal) => sdkFailReason(error, signal, OpenAI),
  };
}
