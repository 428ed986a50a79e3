import pg from 'pg';
import { StoreUnavailableError } from './store.ts';

/**
 * SQLSTATE classes that mean the database cannot be used right now, not that a statement was
 * wrong: 08 connection exception, 28 invalid authorization, 3D invalid catalog name (no such
 * database), 53 insufficient resources (disk full, too many connections), 57 operator
 * intervention (shutdown, cannot connect now), 58 system error.
 */
const UNAVAILABLE_CLASSES = new Set(['08', '28', '3D', '53', '57', '58']);

/** A write on a read-only session, for example on a standby after a failover. */
const READ_ONLY_SQL_TRANSACTION = '25006';

/**
 * Tells whether an error means the database is unreachable or unusable. Errors that did not come
 * from the server (refused or reset connections, timeouts, a pool that was ended) count as such.
 */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof pg.DatabaseError)) return true;
  const code = error.code ?? '';
  return code === READ_ONLY_SQL_TRANSACTION || UNAVAILABLE_CLASSES.has(code.slice(0, 2));
}

/** Wraps an unavailable-database error in StoreUnavailableError and returns other errors unchanged. */
export function toStoreError(action: string, error: unknown): unknown {
  if (!isUnavailable(error)) return error;
  return new StoreUnavailableError(`PostgreSQL ${action} failed: ${(error as Error).message}`, { cause: error });
}
