import { performance } from 'node:perf_hooks';
import type { Engine, EngineInput } from '../engine.ts';
import type { Deliberation, EngineReport } from '../verdict.ts';
import { holdToConstraints } from './constraint-floor.ts';
import { applyFailMode, type EngineFailure } from './fail-mode.ts';
import { JudgeAnswerSchema, describeAnswerIssues, inCanonicalOrder, type JudgeAnswer } from './judge-answer.ts';
import type { JudgeClient, JudgeReply, TokenUsage } from './judge-client.ts';
import { buildJudgePrompt, renderRetryNote } from './prompt.ts';

export type LlmEngineId = 'claude' | 'openai-compatible';

/** One call plus one retry: the retry carries the validation error of the first response. */
const MAX_ATTEMPTS = 2;

/** Maximum length of a fail-mode detail stored in a verdict, in characters. */
const MAX_DETAIL_LENGTH = 1000;

type CheckedReply = { ok: true; answer: JudgeAnswer } | { ok: false; failure: EngineFailure };

/** Validates a reply. A truncated response counts as truncated even when it happens to parse. */
function checkReply(reply: JudgeReply, maxTokens: number): CheckedReply {
  if (reply.input === undefined) {
    const problem = reply.missing ?? 'the answer has no verdict';
    return { ok: false, failure: { reason: reply.truncated ? 'truncated_output' : 'invalid_output', detail: problem } };
  }
  const parsed = JudgeAnswerSchema.safeParse(reply.input);
  if (reply.truncated) {
    const issues = parsed.success ? '' : `; ${describeAnswerIssues(parsed.error, reply.input)}`;
    return {
      ok: false,
      failure: { reason: 'truncated_output', detail: `the answer stopped at the limit of ${maxTokens} output tokens${issues}` },
    };
  }
  if (!parsed.success) {
    return { ok: false, failure: { reason: 'invalid_output', detail: describeAnswerIssues(parsed.error, reply.input) } };
  }
  return { ok: true, answer: inCanonicalOrder(parsed.data) };
}

function addUsage(total: TokenUsage, usage: TokenUsage): TokenUsage {
  return {
    input: total.input + usage.input,
    output: total.output + usage.output,
    cache_read: total.cache_read + usage.cache_read,
    cache_write: total.cache_write + usage.cache_write,
  };
}

function shorten(text: string): string {
  return text.length > MAX_DETAIL_LENGTH ? `${text.slice(0, MAX_DETAIL_LENGTH)}…` : text;
}

/**
 * Creates an LLM engine, in which the judge model deliberates through the verdict tool. A
 * response that is truncated, lacks the tool call or fails validation is retried once with
 * the error. A second failure, a timeout or an API failure hands the decision to the
 * constitution's fail mode. Tokens of every call and the latency are recorded on the verdict.
 */
export function createLlmEngine(id: LlmEngineId, client: JudgeClient): Engine {
  async function deliberate(input: EngineInput): Promise<Deliberation> {
    const { request, constitution, signal, deadline, log } = input;
    const started = performance.now();
    const prompt = buildJudgePrompt(request, constitution.spec);
    let usage: TokenUsage = { input: 0, output: 0, cache_read: 0, cache_write: 0 };
    let model = client.model;
    let retryNote: string | undefined;
    let failure: EngineFailure | undefined;
    let attempt = 0;

    const report = (): Omit<EngineReport, 'decided_by' | 'fail_mode'> => ({
      id,
      model,
      latency_ms: Math.round((performance.now() - started) * 1000) / 1000,
      tokens: usage,
      retries: Math.max(0, attempt - 1),
    });
    const fail = (failed: EngineFailure): Deliberation => {
      log.warn(
        { engine: id, reason: failed.reason, attempts: attempt, failMode: constitution.spec.fail_mode },
        'LLM engine failed; the constitution fail mode decides',
      );
      return applyFailMode({ reason: failed.reason, detail: shorten(failed.detail) }, report(), request, constitution.spec);
    };

    while (attempt < MAX_ATTEMPTS) {
      attempt += 1;
      const timeoutMs = deadline - Date.now();
      if (timeoutMs <= 0 || signal.aborted) return fail({ reason: 'llm_timeout', detail: 'the deadline passed before the call' });

      let reply: JudgeReply;
      try {
        reply = await client.ask({ prompt, retryNote, signal, timeoutMs });
      } catch (error) {
        const reason = client.failReasonOf(error, signal);
        if (!reason) throw error;
        log.warn({ engine: id, err: error, attempt }, 'LLM API call failed');
        const elapsed = Math.round(performance.now() - started);
        return fail({ reason, detail: reason === 'llm_timeout' ? `timed out after ${elapsed} ms` : (error as Error).message });
      }
      usage = addUsage(usage, reply.usage);
      model = reply.model;

      const checked = checkReply(reply, client.maxTokens);
      if (checked.ok) {
        const answer: Deliberation = { ...checked.answer, findings: [], engine: { ...report(), decided_by: id } };
        return holdToConstraints(answer, request, constitution.spec);
      }
      failure = checked.failure;
      retryNote = renderRetryNote(failure.detail, failure.reason === 'truncated_output');
      if (attempt < MAX_ATTEMPTS) {
        log.warn({ engine: id, reason: failure.reason, attempt }, 'LLM response rejected; retrying once with the validation error');
      }
    }
    return fail({ reason: failure?.reason ?? 'invalid_output', detail: `after one retry: ${failure?.detail ?? 'no verdict'}` });
  }

  return { id, deliberate };
}
