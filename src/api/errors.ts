/**
 * The error catalogue: every error the API sends, with a stable code and its HTTP status.
 * Codes are part of the contract; a retired code is never reused. docs/errors.md lists them.
 */
export const ERROR_CATALOG = {
  GUARD_ERR_VALIDATION: { status: 400, title: 'The request body, query or parameters are invalid' },
  GUARD_ERR_INVALID_JSON: { status: 400, title: 'The body is not valid JSON' },
  GUARD_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The body must be application/json' },
  GUARD_ERR_BODY_TOO_LARGE: { status: 413, title: 'The body is larger than the configured limit' },
  GUARD_ERR_CONSTITUTION_NOT_FOUND: { status: 404, title: 'No constitution has that id' },
  GUARD_ERR_VERDICT_NOT_FOUND: { status: 404, title: 'No verdict has that id' },
  GUARD_ERR_ROUTE_NOT_FOUND: { status: 404, title: 'No route matches the method and path' },
  GUARD_ERR_ENGINE_UNAVAILABLE: { status: 422, title: 'The requested engine is not configured' },
  GUARD_ERR_STORE_UNAVAILABLE: { status: 503, title: 'The verdict store cannot be written; no verdict was issued' },
  GUARD_ERR_JSON_TOO_DEEP: { status: 400, title: 'The JSON body nests arrays or objects deeper than the configured limit' },
  GUARD_ERR_FIELD_TOO_LARGE: { status: 413, title: 'A string or key in the body is longer than the configured limit' },
  GUARD_ERR_UNAUTHENTICATED: { status: 401, title: 'The request carries no valid API key' },
  GUARD_ERR_FORBIDDEN: { status: 403, title: 'The API key lacks the scope this route needs' },
  GUARD_ERR_IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'The Idempotency-Key was already used with a different body' },
  GUARD_ERR_RATE_LIMITED: { status: 429, title: 'The API key (or client address) sent too many requests' },
  GUARD_ERR_OVERLOADED: { status: 503, title: 'The service is shedding load; retry after the Retry-After delay' },
  GUARD_ERR_QUERY_DEPTH_LIMIT: { status: 400, title: 'The GraphQL operation nests fields deeper than the depth limit' },
  GUARD_ERR_QUERY_COST_LIMIT: { status: 400, title: 'The estimated cost of the GraphQL operation exceeds the cost limit' },
  GUARD_ERR_PAGE_SIZE_LIMIT: { status: 400, title: 'The requested page size is outside the allowed range' },
  GUARD_ERR_INTERNAL: { status: 500, title: 'An unexpected error occurred' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export interface ErrorDetail {
  path: string;
  message: string;
}

/**
 * Rewords a zod issue message for a client: zod reports a missing field as a type error
 * ("Invalid input: expected string, received undefined", or "expected nonoptional" for a
 * field of any type), which reads here as "missing required field". A parsed JSON body or
 * query string never contains undefined, so "received undefined" always means the field is
 * absent. Other messages are returned unchanged.
 */
export function readableIssueMessage(code: string, message: string): string {
  if (code === 'invalid_type' && message.endsWith(', received undefined')) return 'missing required field';
  return message;
}

/** An error with a catalogue code; the error handler turns it into the JSON error shape. */
export class GuardError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[] | Record<string, unknown>,
  ) {
    super(message);
    this.name = 'GuardError';
    this.status = ERROR_CATALOG[code].status;
  }
}
