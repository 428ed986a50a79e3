import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import { GuardError } from '../api/errors.ts';
import { hasScope, type Principal, type Scope } from '../auth/scopes.ts';

/** The scope each GraphQL operation type needs, the same as the REST routes that do the same work. */
const OPERATION_SCOPES: Record<OperationDefinitionNode['operation'], Scope> = {
  query: 'read',
  subscription: 'read',
  mutation: 'review',
};

/**
 * Checks that the caller holds the scope of every operation in a document. The only mutation,
 * `review_verdict`, records a review, so mutations need `review` as POST /v1/verdicts/:id/review does.
 */
export function checkOperationScopes(document: DocumentNode, principal: Principal | null): void {
  for (const definition of document.definitions) {
    if (definition.kind !== 'OperationDefinition') continue;
    const scope = OPERATION_SCOPES[definition.operation];
    if (!principal) {
      throw new GuardError('GUARD_ERR_UNAUTHENTICATED', `a GraphQL ${definition.operation} needs an API key with the scope "${scope}"`, { required: scope });
    }
    if (!hasScope(principal, scope)) {
      throw new GuardError(
        'GUARD_ERR_FORBIDDEN',
        `the API key "${principal.keyId}" lacks the scope "${scope}" that a GraphQL ${definition.operation} needs`,
        { required: scope, granted: principal.scopes },
      );
    }
  }
}
