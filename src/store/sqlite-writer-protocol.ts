import type { BindingRow } from './idempotency-sql.ts';
import type { SqliteParams } from './sqlite-filter.ts';

/** Messages between the SQLite store and its writer thread. */

/** One verdict row to insert, with the Idempotency-Key binding to make in the same transaction, if any. */
export interface PendingAppend {
  readonly row: SqliteParams & { id: string };
  /** Parameters of BIND_KEY_SQL; the verdict is inserted only if the key ends up bound to it. */
  readonly binding?: SqliteParams;
}

/** A batch of appends to commit in one transaction. */
export interface WriteRequest {
  readonly batch: number;
  readonly appends: PendingAppend[];
}

/** The outcome of one append: the key's binding after the commit (for a keyed append), or the driver's error message. */
export type AppendOutcome = { readonly binding?: BindingRow; readonly error?: undefined } | { readonly error: string };

/** One outcome per append of a batch, in order. */
export interface WriteResult {
  readonly batch: number;
  readonly outcomes: AppendOutcome[];
}

/** Sent instead of a batch to close the connection and end the thread. */
export const CLOSE_MESSAGE = 'close';
