import Anthropic from '@anthropic-ai/sdk';
import { VERDICT_TOOL_DESCRIPTION, VERDICT_TOOL_NAME, verdictInputSchema } from './judge-answer.ts';
import { describeMissingToolCall, sdkFailReason, type JudgeCall, type JudgeClient, type JudgeReply } from './judge-client.ts';

const ANTHROPIC_API_URL = 'https://api.anthropic.com';

export interface AnthropicJudgeOptions {
  readonly apiKey: string;
  /** Unset means the public API. */
  readonly baseURL?: string | undefined;
  readonly model: string;
  readonly maxTokens: number;
  /** Upper bound of one HTTP attempt in milliseconds; the request's deadline also bounds it. */
  readonly timeoutMs: number;
  readonly maxRetries: number;
}

/**
 * Creates a judge client for the Anthropic Messages API. The verdict tool is forced, thinking
 * is disabled because the API rejects thinking together with a forced tool, and the system
 * prompt carries a cache breakpoint so that the tools and system prompt are cached together.
 * No temperature is sent: API version 2026-10-21, which this SDK major sends, rejects one.
 */
export function createAnthropicJudge(options: AnthropicJudgeOptions): JudgeClient {
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseURL ?? ANTHROPIC_API_URL,
    maxRetries: options.maxRetries,
    timeout: options.timeoutMs,
    logLevel: 'off',
  });
  const tool: Anthropic.Tool = {
    name: VERDICT_TOOL_NAME,
    description: VERDICT_TOOL_DESCRIPTION,
    input_schema: verdictInputSchema() as Anthropic.Tool.InputSchema,
  };

  async function ask(call: JudgeCall): Promise<JudgeReply> {
    const content: Anthropic.TextBlockParam[] = [{ type: 'text', text: call.prompt.user }];
    if (call.retryNote) content.push({ type: 'text', text: call.retryNote });
    const message = await client.messages.create(
      {
        model: options.model,
        max_tokens: options.maxTokens,
        system: [{ type: 'text', text: call.prompt.system, cache_control: { type: 'ephemeral' } }],
        tools: [tool],
        tool_choice: { type: 'tool', name: VERDICT_TOOL_NAME, disable_parallel_tool_use: true },
        thinking: { type: 'disabled' },
        messages: [{ role: 'user', content }],
      },
      { signal: call.signal, timeout: Math.min(options.timeoutMs, call.timeoutMs) },
    );

    const toolUse = message.content.find((block) => block.type === 'tool_use' && block.name === VERDICT_TOOL_NAME);
    const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join(' ');
    return {
      input: toolUse?.type === 'tool_use' ? toolUse.input : undefined,
      missing: toolUse ? undefined : describeMissingToolCall(text),
      truncated: message.stop_reason === 'max_tokens',
      usage: {
        input: message.usage.input_tokens,
        output: message.usage.output_tokens,
        cache_read: message.usage.cache_read_input_tokens ?? 0,
        cache_write: message.usage.cache_creation_input_tokens ?? 0,
      },
      model: message.model,
    };
  }

  return {
    model: options.model,
    maxTokens: options.maxTokens,
    ask,
    failReasonOf: (error, signal) => sdkFailReason(error, signal, Anthropic),
  };
}
