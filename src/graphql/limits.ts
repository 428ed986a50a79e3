import {
  GraphQLError,
  Kind,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql';
import { createComplexityRule, directiveEstimator, simpleEstimator } from 'graphql-query-complexity';
import { GuardError } from '../api/errors.ts';

/** Largest `first` of the verdict connection, and the default when it is omitted. */
export const MAX_PAGE_SIZE = 100;
/** Largest `first` of a session's verdict list; the session loader reads this many per session. */
export const MAX_SESSION_VERDICTS = 20;

/** Rejects a page size outside 1..max with a code that names the limit. */
export function checkPageSize(argument: string, value: number, max: number): void {
  if (Number.isInteger(value) && value >= 1 && value <= max) return;
  throw new GuardError('GUARD_ERR_PAGE_SIZE_LIMIT', `${argument} must be between 1 and ${max} (got ${value}): the page size limit is ${max}`, {
    argument,
    limit: max,
  });
}

/** Depth of a selection set, not counting introspection fields, which GraphiQL nests deeply. */
function selectionDepth(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  visiting: ReadonlySet<string>,
): number {
  let depth = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      const below = selection.selectionSet ? selectionDepth(selection.selectionSet, fragments, visiting) : 0;
      depth = Math.max(depth, 1 + below);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      depth = Math.max(depth, selectionDepth(selection.selectionSet, fragments, visiting));
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      // A fragment cycle is reported by the standard NoFragmentCycles rule; here it only stops the walk.
      if (!fragment || visiting.has(name)) continue;
      depth = Math.max(depth, selectionDepth(fragment.selectionSet, fragments, new Set([...visiting, name])));
    }
  }
  return depth;
}

/** Rejects operations whose field nesting is deeper than `maxDepth`. */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    return {
      OperationDefinition(operation) {
        const depth = selectionDepth(operation.selectionSet, fragments, new Set());
        if (depth <= maxDepth) return;
        context.reportError(
          new GraphQLError(`query depth ${depth} exceeds the depth limit of ${maxDepth}; select fewer nested fields`, {
            nodes: [operation],
            extensions: { code: 'GUARD_ERR_QUERY_DEPTH_LIMIT', limit: maxDepth, depth },
          }),
        );
      },
    };
  };
}

/**
 * Rejects operations whose estimated cost exceeds `maxCost`. Each field costs 1 unless the
 * schema's @cost directive says otherwise; a paged field costs its value plus the cost below
 * it, times its page size argument, so the estimate follows the rows a query can read.
 */
export function costLimitRule(maxCost: number, variables: Record<string, unknown> | undefined): ValidationRule {
  return createComplexityRule({
    maximumComplexity: maxCost,
    ...(variables ? { variables } : {}),
    estimators: [directiveEstimator({ name: 'cost' }), simpleEstimator({ defaultComplexity: 1 })],
    createError: (max, actual) =>
      new GraphQLError(`query cost ${actual} exceeds the cost limit of ${max}; request fewer fields or smaller pages`, {
        extensions: { code: 'GUARD_ERR_QUERY_COST_LIMIT', limit: max, cost: actual },
      }),
  });
}
