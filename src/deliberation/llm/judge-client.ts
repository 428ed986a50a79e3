import type { FAIL_REASONS } from '../verdict.ts';
import { VERDICT_TOOL_NAME } from './judge-answer.ts';
import type { JudgePrompt } from './prompt.ts';

export type FailReason = (typeof FAIL_REASONS)[number];

/** Tokens one LLM call used; `input` counts only tokens billed at the full input rate. */
export interface TokenUsage {
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
}

/** One call to the judge model. */
export interface JudgeCall {
  readonly prompt: JudgePrompt;
  /** The guard's note after a rejected response; present on the retry only. */
  readonly retryNote?: string;
  readonly signal: AbortSignal;
  /** Time left until the request's deadline, in milliseconds. */
  readonly timeoutMs: number;
}

/** The judge model's reply, before validation. */
export interface JudgeReply {
  /** The verdict the model wrote, or undefined when it wrote none that parses. */
  readonly input: unknown;
  /** Reason that `input` is undefined, for example a text-only response. */
  readonly missing?: string;
  /** True when the model stopped at the output token limit. */
  readonly truncated: boolean;
  readonly usage: TokenUsage;
  readonly model: string;
}

/** An LLM API behind one engine: the Anthropic Messages API or an OpenAI-compatible server. */
export interface JudgeClient {
  readonly model: string;
  readonly maxTokens: number;
  /** Sends one call; SDK retries of overload and server errors happen inside. */
  ask(call: JudgeCall): Promise<JudgeReply>;
  /** Maps an error `ask` raised to a fail reason, or undefined for an error that is not the API's. */
  failReasonOf(error: unknown, signal: AbortSignal): FailReason | undefined;
}

/** Status codes both APIs use for overload: 429 rate limited, 529 overloaded (Anthropic). */
const OVERLOAD_STATUSES = new Set([429, 529]);

/** The error classes both SDKs export under the same names. */
export interface SdkErrorClasses {
  // The constructors' parameters differ between the SDKs and do not matter for `instanceof`.
  readonly APIError: abstract new (...args: never[]) => { readonly status?: number | undefined };
  readonly APIUserAbortError: abstract new (...args: never[]) => object;
  readonly APIConnectionTimeoutError: abstract new (...args: never[]) => object;
}

/**
 * Maps an SDK error to a fail reason: a timeout (including an abort at the deadline), an
 * overload status, or any other API or connection failure. Returns undefined for an error
 * that does not come from the SDK.
 */
export function sdkFailReason(error: unknown, signal: AbortSignal, sdk: SdkErrorClasses): FailReason | undefined {
  if (!(error instanceof sdk.APIError)) return undefined;
  if (signal.aborted || error instanceof sdk.APIUserAbortError || error instanceof sdk.APIConnectionTimeoutError) return 'llm_timeout';
  if (error.status !== undefined && OVERLOAD_STATUSES.has(error.status)) return 'llm_overloaded';
  return 'llm_unavailable';
}

/** Describes a response without the verdict, quoting the start of any text the model wrote. */
export function describeMissingToolCall(text: string): string {
  if (text.trim().length === 0) return `the answer has no ${VERDICT_TOOL_NAME} call`;
  const quoted = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return `the answer has no ${VERDICT_TOOL_NAME} call, only text: "${quoted}"`;
}
