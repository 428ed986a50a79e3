import { z } from 'zod';
import type { Action, ContextSchema, DeliberationRequestInput, EngineId } from '../deliberation/request.ts';
import { VerdictSchema, type Verdict } from '../deliberation/verdict.ts';
import { GuardRequestError, GuardUnavailableError } from './errors.ts';

/** The action as a caller writes it: a tool name, its input and an optional description. */
export type ActionInput = Action;
/** The context as a caller writes it; every field is optional. */
export type ContextInput = z.input<typeof ContextSchema>;

export interface GuardClientOptions {
  /** Base URL of the service, for example `http://127.0.0.1:8787`. */
  readonly baseUrl: string;
  /** Time budget of one check in milliseconds, connection included (default 10000). */
  readonly timeoutMs?: number;
  /** Constitution id sent with every check unless a check names its own (default: the service's `default`). */
  readonly constitution?: string;
  /** Engine sent with every check unless a check names its own (default: the service's GUARD_ENGINE). */
  readonly engine?: EngineId;
  /** Extra headers for every request, for example an authorization header of a proxy in front of the service. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The fetch implementation; defaults to the global fetch of Node 20. */
  readonly fetch?: typeof fetch;
}

export interface CheckOptions {
  readonly constitution?: string;
  readonly engine?: EngineId;
  /** Time budget of an LLM engine; defaults to the client timeout less a margin, so the fail mode answers in time. */
  readonly deadlineMs?: number;
  readonly trainingOptOut?: boolean;
  /** Aborts the check; the client then throws GuardUnavailableError. */
  readonly signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Upper bound of `deadline_ms` in the request schema. */
const MAX_DEADLINE_MS = 120_000;

/** What a 4xx body looks like; the code stays a string so a newer service's codes still parse. */
const ErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/**
 * Picks the engine deadline for a request that must be answered within `timeoutMs`: one second
 * less, or half of it for short budgets, so the constitution's fail mode decides before the
 * client gives up.
 */
export function deadlineWithin(timeoutMs: number): number {
  const deadline = timeoutMs > 2_000 ? timeoutMs - 1_000 : Math.floor(timeoutMs / 2);
  return Math.min(MAX_DEADLINE_MS, Math.max(1, deadline));
}

/** A client of a running Deliberation Guard service. */
export class GuardClient {
  readonly timeoutMs: number;
  private readonly endpoint: URL;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: GuardClientOptions) {
    this.endpoint = new URL('/v1/deliberations', options.baseUrl);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /**
   * Asks the service to deliberate about an action and returns the committed verdict, validated
   * against the verdict schema. Throws GuardUnavailableError when no verdict could be obtained
   * and GuardRequestError when the service rejected the request.
   */
  async check(action: ActionInput, context: ContextInput = {}, options: CheckOptions = {}): Promise<Verdict> {
    const body: DeliberationRequestInput = {
      action,
      context,
      constitution: options.constitution ?? this.options.constitution,
      engine: options.engine ?? this.options.engine,
      deadline_ms: options.deadlineMs ?? deadlineWithin(this.timeoutMs),
      training_opt_out: options.trainingOptOut,
    };
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;

    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...this.options.headers },
        body: JSON.stringify(body),
        signal,
      });
      text = await response.text();
    } catch (error) {
      const reason = timeout.aborted
        ? `timed out after ${this.timeoutMs} ms`
        : `failed: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`;
      throw new GuardUnavailableError(`request to ${this.endpoint.href} ${reason}`, undefined, { cause: error });
    }
    return this.parseResponse(response.status, text);
  }

  private parseResponse(status: number, text: string): Verdict {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new GuardUnavailableError(`${this.endpoint.href} responded with status ${status} and a body that is not JSON`, status);
    }

    if (status >= 200 && status < 300) {
      const verdict = VerdictSchema.safeParse(json);
      if (verdict.success) return verdict.data;
      const issues = verdict.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
      throw new GuardUnavailableError(`${this.endpoint.href} responded with status ${status} and an invalid verdict (${issues.join('; ')})`, status);
    }

    const error = ErrorBodySchema.safeParse(json);
    const message = error.success ? `${error.data.error.code}: ${error.data.error.message}` : `status ${status}`;
    if (status >= 400 && status < 500) {
      throw new GuardRequestError(
        `the guard service rejected the request: ${message}`,
        status,
        error.success ? error.data.error.code : 'unknown',
        error.success ? error.data.error.details : undefined,
      );
    }
    throw new GuardUnavailableError(`the guard service failed: ${message}`, status);
  }
}
