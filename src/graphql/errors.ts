import type { FastifyBaseLogger } from 'fastify';
import { GraphQLError, type ExecutionResult } from 'graphql';
// Mercurius is CommonJS, and Node's ESM loader cannot see its helpers as named exports.
import mercurius, { type MercuriusContext } from 'mercurius';
import { toGuardError } from '../api/error-handler.ts';

/**
 * Checks by name, not instanceof: under vitest the project's `import 'graphql'` loads the ESM
 * build while Mercurius requires the CommonJS one, so two GraphQLError classes exist.
 */
function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === 'GraphQLError';
}

/** Mercurius wraps a failed validation in one error whose `errors` lists the real ones. */
function unwrap(error: GraphQLError): GraphQLError[] {
  const inner = (error.originalError as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(inner)) return [error];
  return inner.map((item: Error) => (isGraphQLError(item) ? item : new GraphQLError(item.message, { originalError: item })));
}

/** Gives an error the catalogue code in `extensions.code`; unexpected errors are logged and masked. */
function withCatalogueCode(error: GraphQLError, log: FastifyBaseLogger): GraphQLError {
  if (typeof error.extensions.code === 'string') return error;
  const original = error.originalError;
  // Errors that graphql-js raised itself (syntax, unknown field, invalid variable) have no
  // original error of ours, or a plain GraphQLError from a scalar parser.
  if (!original || (isGraphQLError(original) && typeof original.extensions.code !== 'string')) {
    return new GraphQLError(error.message, { nodes: error.nodes, path: error.path, extensions: { code: 'GUARD_ERR_VALIDATION' } });
  }
  const guardError = toGuardError(original);
  if (guardError.status >= 500) log.error({ err: original, code: guardError.code, path: error.path }, 'GraphQL operation failed');
  return new GraphQLError(guardError.message, {
    nodes: error.nodes,
    path: error.path,
    extensions: { code: guardError.code, ...(guardError.details ? { details: guardError.details } : {}) },
  });
}

/**
 * Formats GraphQL errors like REST errors, so every entry carries its catalogue code. An
 * operation rejected before it ran keeps the status of Mercurius's rejection (400 for an
 * invalid query or a limit) however many errors it lists. Otherwise the status is 200.
 */
export function formatErrors(execution: ExecutionResult & Required<Pick<ExecutionResult, 'errors'>>, context: MercuriusContext) {
  const { statusCode, response } = mercurius.defaultErrorFormatter(execution, context);
  const log = context.reply?.log ?? context.app.log;
  const errors = execution.errors.flatMap(unwrap).map((error) => withCatalogueCode(error, log).toJSON());
  const rejection = execution.errors.length === 1 ? (execution.errors[0]?.originalError as { statusCode?: unknown } | undefined) : undefined;
  const rejectedStatus = !execution.data && typeof rejection?.statusCode === 'number' ? rejection.statusCode : undefined;
  return { statusCode: rejectedStatus ?? statusCode, response: { ...response, errors } };
}
