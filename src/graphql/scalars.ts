import { GraphQLError, Kind, valueFromASTUntyped, type ValueNode } from 'graphql';
import { z } from 'zod';

const IsoDateTimeSchema = z.iso.datetime({ offset: true });

function parseDateTime(value: unknown): string {
  const parsed = IsoDateTimeSchema.safeParse(value);
  if (!parsed.success) {
    throw new GraphQLError(`DateTime must be an ISO 8601 date-time such as 2026-12-04T20:00:00Z (got ${JSON.stringify(value)})`);
  }
  return new Date(parsed.data).toISOString();
}

/**
 * Resolvers of the schema's custom scalars. Mercurius copies these functions onto the scalar
 * types that the SDL declares.
 */
export const scalarResolvers = {
  /** ISO 8601 date-times; an input with an offset is normalised to UTC. */
  DateTime: {
    serialize: (value: unknown) => value,
    parseValue: parseDateTime,
    parseLiteral: (ast: ValueNode) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
  },
  /** Any JSON value, passed through unchanged: tool inputs and caller metadata. */
  JSON: {
    serialize: (value: unknown) => value,
    parseValue: (value: unknown) => value,
    parseLiteral: (ast: ValueNode, variables?: Record<string, unknown> | null) => valueFromASTUntyped(ast, variables),
  },
};
