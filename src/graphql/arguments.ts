import type { z } from 'zod';
import { GuardError } from '../api/errors.ts';

/** GraphQL sends null for an input field that is set to null; the zod schemas expect it absent. */
function withoutNulls(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null && field !== undefined));
}

/** Parses one GraphQL argument with its zod schema; invalid input raises GUARD_ERR_VALIDATION naming each field. */
export function parseArgument<T extends z.ZodType>(schema: T, argument: string, value: unknown): z.output<T> {
  const parsed = schema.safeParse(withoutNulls(value ?? {}));
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({
    path: [argument, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const summary = details.map((detail) => `${detail.path}: ${detail.message}`).join('; ');
  throw new GuardError('GUARD_ERR_VALIDATION', `invalid argument: ${summary}`, details);
}
