import type { Verdict } from '../deliberation/verdict.ts';
import { describeVerdict } from '../integrations/verdict-reason.ts';
import { GuardDeniedError, GuardEscalatedError } from './errors.ts';
import type { CheckOptions, ContextInput, GuardClient } from './guard-client.ts';

export interface GuardToolOptions<Args extends unknown[]> extends Omit<CheckOptions, 'signal'> {
  readonly client: GuardClient;
  /** The tool name the service deliberates about, for example `send_email`. */
  readonly name: string;
  /** Builds the action input from the call's arguments (default: the first argument). */
  readonly input?: (...args: Args) => unknown;
  /** What the call does in the agent's words, sent as the action description. */
  readonly describe?: (...args: Args) => string | undefined;
  /** The user's request and the history; a function is called once per call. */
  readonly context?: ContextInput | ((...args: Args) => ContextInput | Promise<ContextInput>);
  /**
   * Called on escalate with the verdict and the call's arguments; resolve true when a human
   * approved the call, so the tool runs. Without it, or when it resolves false, the guarded
   * tool throws GuardEscalatedError and the tool does not run.
   */
  readonly onEscalate?: (verdict: Verdict, ...args: Args) => boolean | Promise<boolean>;
}

/**
 * Wraps a tool function so that it runs only after the service allowed the call. On deny the
 * wrapper throws GuardDeniedError; on escalate it asks `onEscalate`. When no verdict can be
 * obtained the client's GuardUnavailableError or GuardRequestError propagates, so the tool
 * never runs unchecked.
 */
export function guardTool<Args extends unknown[], Result>(
  fn: (...args: Args) => Result | Promise<Result>,
  options: GuardToolOptions<Args>,
): (...args: Args) => Promise<Result> {
  const { client, name, input, describe, context, onEscalate, ...checkOptions } = options;

  return async (...args: Args): Promise<Result> => {
    const description = describe?.(...args);
    const action = {
      tool: name,
      input: input ? input(...args) : args[0],
      ...(description === undefined ? {} : { description }),
    };
    const callContext = typeof context === 'function' ? await context(...args) : context;
    const verdict = await client.check(action, callContext, checkOptions);

    if (verdict.decision === 'deny') throw new GuardDeniedError(verdict, describeVerdict(verdict, name));
    if (verdict.decision === 'escalate') {
      const approved = onEscalate ? await onEscalate(verdict, ...args) : false;
      if (!approved) {
        const reason = onEscalate ? 'A human did not approve the call.' : 'No onEscalate callback was given to ask a human.';
        throw new GuardEscalatedError(verdict, `${describeVerdict(verdict, name)} ${reason}`);
      }
    }
    return fn(...args);
  };
}
