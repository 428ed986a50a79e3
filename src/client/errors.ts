import type { Verdict } from '../deliberation/verdict.ts';

/** Base class of every error the client throws, so callers can catch them in one place. */
export class GuardClientError extends Error {
  override name = 'GuardClientError';
}

/** Thrown by a guarded tool when the verdict is deny; the tool did not run. */
export class GuardDeniedError extends GuardClientError {
  override name = 'GuardDeniedError';

  constructor(
    readonly verdict: Verdict,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Thrown by a guarded tool when the verdict is escalate and no human approved the call:
 * there is no `onEscalate` callback, or it returned false. The tool did not run.
 */
export class GuardEscalatedError extends GuardClientError {
  override name = 'GuardEscalatedError';

  constructor(
    readonly verdict: Verdict,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Thrown when no verdict could be obtained: the service is unreachable, timed out, answered
 * 5xx, or sent a body that is not a valid verdict. A guarded tool does not run.
 */
export class GuardUnavailableError extends GuardClientError {
  override name = 'GuardUnavailableError';

  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Thrown when the service rejected the request with a 4xx; `code` is the stable error code. */
export class GuardRequestError extends GuardClientError {
  override name = 'GuardRequestError';

  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
