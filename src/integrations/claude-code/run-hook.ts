import { deadlineWithin } from '../../client/guard-client.ts';
import type { LogSink } from '../../logger.ts';
import { parseSettings } from '../settings.ts';
import { withTimeout } from '../timeout.ts';
import { openVerdictSource } from '../verdict-source.ts';
import { blockingHookOutput, hookOutputForVerdict } from './hook-answer.ts';
import { HookEnvSchema, failureModeFrom, type HookEnv } from './hook-options.ts';
import { hookInputToRequest, type ConversationContext } from './hook-request.ts';
import { PreToolUseInputSchema, type PreToolUseInput, type PreToolUseOutput } from './hook-schema.ts';
import { readTranscript } from './transcript.ts';
import { SURROGATE_ESCAPE, hasLoneSurrogate, toWellFormed } from '../../unicode.ts';

/** Raised for hook input that is not a PreToolUse event; the message names the field. */
class HookInputError extends Error {
  override name = 'HookInputError';
}

/** Rejects a key or string value with an unpaired surrogate, which the store would keep, as a JSON.parse reviver. */
function rejectLoneSurrogates(key: string, value: unknown): unknown {
  if (hasLoneSurrogate(key) || (typeof value === 'string' && hasLoneSurrogate(value))) {
    const field = key === '' ? '(input)' : toWellFormed(key);
    throw new HookInputError(`the hook input contains an unpaired UTF-16 surrogate (a \\uD800 to \\uDFFF escape without its other half) in "${field}"`);
  }
  return value;
}

function parseHookInput(text: string): PreToolUseInput {
  let json: unknown;
  try {
    // The reviver costs a call per value, so it runs only when the text has a surrogate escape.
    json = SURROGATE_ESCAPE.test(text) ? JSON.parse(text, rejectLoneSurrogates) : JSON.parse(text);
  } catch (error) {
    if (error instanceof HookInputError) throw error;
    throw new HookInputError(`the hook input on stdin is not valid JSON (${(error as Error).message})`);
  }
  const parsed = PreToolUseInputSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`);
    throw new HookInputError(`the hook input is not a PreToolUse event (${issues.join('; ')})`);
  }
  return parsed.data;
}

/** Reads the conversation from the transcript, or returns undefined when that is off or fails. */
async function conversationOf(input: PreToolUseInput, settings: HookEnv, log: LogSink): Promise<ConversationContext | undefined> {
  if (!settings.DELIBERATION_GUARD_TRANSCRIPT || !input.transcript_path) return undefined;
  try {
    return await readTranscript(input.transcript_path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') log.info({ path: input.transcript_path }, 'no transcript file; deliberating without the conversation');
    else log.warn({ err: error, code }, 'transcript not read; deliberating without the conversation');
    return undefined;
  }
}

async function deliberate(input: PreToolUseInput, settings: HookEnv, env: NodeJS.ProcessEnv, log: LogSink): Promise<PreToolUseOutput> {
  const conversation = await conversationOf(input, settings, log);
  const request = hookInputToRequest(input, {
    constitution: settings.DELIBERATION_GUARD_CONSTITUTION,
    deadlineMs: deadlineWithin(settings.DELIBERATION_GUARD_TIMEOUT_MS),
    ...(conversation ? { conversation } : {}),
  });
  const source = await openVerdictSource(env, settings, log);
  try {
    const verdict = await source.deliberate(request);
    log.debug({ verdictId: verdict.id, decision: verdict.decision, source: source.kind }, 'hook verdict');
    return hookOutputForVerdict(verdict, input.tool_name, { explicitAllow: settings.DELIBERATION_GUARD_EXPLICIT_ALLOW });
  } finally {
    await source.close();
  }
}

/**
 * Returns the hook output for one PreToolUse event read from stdin. Never throws: every
 * failure (bad input, bad settings, an unreachable or failing service, a timeout, an engine
 * error) becomes a blocking answer in the configured failure mode, so Claude Code never runs
 * the tool unchecked.
 */
export async function answerPreToolUse(stdinText: string, env: NodeJS.ProcessEnv, log: LogSink): Promise<PreToolUseOutput> {
  let tool = 'tool';
  let failureMode = failureModeFrom(env);
  try {
    const input = parseHookInput(stdinText);
    tool = input.tool_name;
    const settings = parseSettings(HookEnvSchema, env);
    failureMode = settings.DELIBERATION_GUARD_ON_FAILURE;
    const timeoutMs = settings.DELIBERATION_GUARD_TIMEOUT_MS;
    return await withTimeout(deliberate(input, settings, env, log), timeoutMs, 'deliberation (DELIBERATION_GUARD_TIMEOUT_MS)');
  } catch (error) {
    const failure = (error as Error).message;
    log.error({ err: error, tool, failureMode }, 'hook could not deliberate, so the failure mode decides');
    return blockingHookOutput(tool, failure, failureMode);
  }
}
