import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { EngineUnavailableError, UnknownConstitutionError } from '../deliberation/deliberator.ts';
import { StoreUnavailableError } from '../store/store.ts';
import { ERROR_CATALOG, GuardError, readableIssueMessage, type ErrorCode, type ErrorDetail } from './errors.ts';

/** Fastify's own error codes that a client causes, mapped to our catalogue. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'GUARD_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'GUARD_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'GUARD_ERR_VALIDATION',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'GUARD_ERR_INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'GUARD_ERR_INVALID_JSON',
};

/** Turns a JSON pointer such as `/action/tool` into `action.tool`, with a location prefix. */
function fieldPath(location: string | undefined, pointer: string): string {
  const segments = pointer.split('/').filter((segment) => segment.length > 0);
  const prefix = location && location !== 'body' ? [location] : [];
  const path = [...prefix, ...segments].join('.');
  return path.length > 0 ? path : (location ?? '(body)');
}

/** Converts any thrown error into a GuardError. Unknown errors become GUARD_ERR_INTERNAL. */
export function toGuardError(error: unknown): GuardError {
  if (error instanceof GuardError) return error;
  if (error instanceof UnknownConstitutionError) {
    return new GuardError('GUARD_ERR_CONSTITUTION_NOT_FOUND', error.message, { known: error.known });
  }
  if (error instanceof EngineUnavailableError) {
    return new GuardError('GUARD_ERR_ENGINE_UNAVAILABLE', error.message, { available: error.available });
  }
  if (error instanceof StoreUnavailableError) {
    return new GuardError('GUARD_ERR_STORE_UNAVAILABLE', 'the verdict store is unavailable, so no verdict was issued. Retry later');
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const location = (error as FastifyError).validationContext;
    const details: ErrorDetail[] = error.validation.flatMap((issue) => {
      // zod reports unknown fields as one issue on the parent object, so each field is named here.
      const unknownKeys = issue.keyword === 'unrecognized_keys' ? (issue.params.keys as string[] | undefined) : undefined;
      if (unknownKeys) {
        return unknownKeys.map((key) => ({
          path: fieldPath(location, `${issue.instancePath}/${key}`),
          message: 'unknown field, not allowed by the request schema',
        }));
      }
      const message = issue.message === undefined ? 'invalid value' : readableIssueMessage(issue.keyword, issue.message);
      return [{ path: fieldPath(location, issue.instancePath), message }];
    });
    const summary = details.map((detail) => `${detail.path}: ${detail.message}`).join('; ');
    return new GuardError('GUARD_ERR_VALIDATION', `invalid request: ${summary}`, details);
  }

  const fastifyError = error as Partial<FastifyError>;
  const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped === 'GUARD_ERR_UNSUPPORTED_MEDIA_TYPE') {
    // Fastify's own message is only "Unsupported Media Type".
    return new GuardError(mapped, 'unsupported media type: send the body as JSON with the header content-type: application/json');
  }
  if (mapped) return new GuardError(mapped, fastifyError.message ?? ERROR_CATALOG[mapped].title);
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new GuardError('GUARD_ERR_VALIDATION', fastifyError.message ?? 'invalid request');
  }
  return new GuardError('GUARD_ERR_INTERNAL', 'an unexpected error occurred; the request id is in the x-request-id header');
}

/** Sends every error in one JSON shape and logs 5xx at error level, 4xx at info. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const guardError = toGuardError(error);
  if (guardError.code === 'GUARD_ERR_OVERLOADED') {
    // Shedding rejects many requests at once by design; one warn line each, without a stack.
    request.log.warn({ code: guardError.code, status: guardError.status }, 'request shed');
  } else if (guardError.status >= 500) {
    request.log.error({ err: error, code: guardError.code }, 'request failed');
  } else {
    request.log.info({ code: guardError.code, status: guardError.status }, 'request rejected');
  }
  if (guardError.status === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', '5');
  return reply.status(guardError.status).send({
    error: {
      code: guardError.code,
      message: guardError.message,
      ...(guardError.details ? { details: guardError.details } : {}),
    },
  });
}
