import type { SqliteParams } from './sqlite-filter.ts';

/** Messages between the SQLite store and its writer thread. */

/** A batch of verdict rows to commit in one transaction. */
export interface WriteRequest {
  readonly batch: number;
  readonly rows: SqliteParams[];
}

/** One outcome per row of a batch, in order: undefined when committed, else the driver's error message. */
export interface WriteResult {
  readonly batch: number;
  readonly errors: Array<string | undefined>;
}

/** Sent instead of a batch to close the connection and end the thread. */
export const CLOSE_MESSAGE = 'close';
