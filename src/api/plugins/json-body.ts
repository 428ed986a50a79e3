import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config/config.ts';
import { toWellFormed } from '../../unicode.ts';
import { GuardError, type ErrorCode, type ErrorDetail } from '../errors.ts';
import {
  UNPAIRED_SURROGATE_PROBLEM,
  exceedsDepth,
  findForbiddenKey,
  findOversizedField,
  findUnpairedSurrogate,
} from './json-scan.ts';

/**
 * Creates the error for a rejected body. It also sets `statusCode`, the field Mercurius reads,
 * so /graphql responds to a rejected body with the catalogue status as REST does, not with 200.
 */
function bodyError(code: ErrorCode, message: string, details?: ErrorDetail[] | Record<string, unknown>): GuardError {
  const error = new GuardError(code, message, details);
  return Object.assign(error, { statusCode: error.status });
}

/**
 * Explains a body that Fastify's parser rejected although plain JSON.parse accepts it: the
 * parser rejects `__proto__` and `constructor.prototype` keys, which could otherwise change
 * object prototypes. Other errors are returned unchanged. This runs only on rejected bodies.
 */
function explainRejectedJson(error: Error, text: string): Error {
  if ((error as Partial<FastifyError>).code !== 'FST_ERR_CTP_INVALID_JSON_BODY') return error;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return error;
  }
  const forbidden = findForbiddenKey(value);
  if (forbidden === undefined) return error;
  const path = toWellFormed(forbidden.path);
  return bodyError(
    'GUARD_ERR_INVALID_JSON',
    `${path}: the body contains the forbidden key "${forbidden.key}", which could change object prototypes; rename or remove it`,
    { path },
  );
}

async function jsonBodyPlugin(app: FastifyInstance, { config }: { config: Config }): Promise<void> {
  // Fastify's own parser keeps its __proto__ and constructor.prototype protection.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const maxDepth = config.GUARD_MAX_JSON_DEPTH;
  const maxChars = config.GUARD_MAX_FIELD_CHARS;

  // Every route with a body takes JSON. Without Fastify's text/plain parser, a text/plain
  // body gets 415 like any other media type instead of reaching the schema as a string.
  app.removeContentTypeParser('text/plain');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, text, done) => {
    const body = text as string;
    if (exceedsDepth(body, maxDepth)) {
      done(bodyError('GUARD_ERR_JSON_TOO_DEEP', `the JSON body nests arrays or objects deeper than ${maxDepth} levels (GUARD_MAX_JSON_DEPTH)`), undefined);
      return;
    }
    parseJson(request, body, (error, parsed) => {
      if (error) {
        done(explainRejectedJson(error, body), undefined);
        return;
      }
      const path = findOversizedField(parsed, maxChars);
      if (path !== undefined) {
        done(
          bodyError('GUARD_ERR_FIELD_TOO_LARGE', `${path}: longer than ${maxChars} characters (GUARD_MAX_FIELD_CHARS)`, { path }),
          undefined,
        );
        return;
      }
      // A lone surrogate would be stored and later written as an escape that many JSON parsers reject.
      const surrogatePath = findUnpairedSurrogate(body, parsed);
      if (surrogatePath !== undefined) {
        done(
          bodyError('GUARD_ERR_INVALID_JSON', `${surrogatePath}: ${UNPAIRED_SURROGATE_PROBLEM}`, { path: surrogatePath }),
          undefined,
        );
        return;
      }
      done(null, parsed);
    });
  });
}

/**
 * Parses JSON bodies with depth, field-length and Unicode checks on top of the body size limit,
 * and rejects every other media type with 415.
 */
export const jsonBody = fp(jsonBodyPlugin, { name: 'guard-json-body', fastify: '5.x' });
