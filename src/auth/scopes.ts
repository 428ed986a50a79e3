import { z } from 'zod';

/**
 * Permissions an API key can carry. `deliberate` posts actions, `read` reads verdicts and constitutions,
 * `review` records human reviews, `export` streams training data, and `admin` grants every scope.
 */
export const SCOPES = ['deliberate', 'read', 'review', 'export', 'admin'] as const;
export const ScopeSchema = z.enum(SCOPES);
export type Scope = z.infer<typeof ScopeSchema>;

/** The caller a request runs as: an API key, or the open principal when authentication is off. */
export interface Principal {
  /** The key id (the public part of the key), or `open` when no key was needed. */
  readonly keyId: string;
  readonly name: string;
  readonly scopes: readonly Scope[];
}

/** The principal of a request on a service that runs without authentication. */
export const OPEN_PRINCIPAL: Principal = Object.freeze({ keyId: 'open', name: 'open', scopes: SCOPES });

/** Returns whether a principal has a scope; `admin` grants them all. */
export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.includes(scope) || principal.scopes.includes('admin');
}
