/**
 * The SQLite store's writer thread. It owns the connection that appends verdicts, so an
 * append's commit and fsync do not block the main thread's event loop. The main side is
 * SqliteWriter.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SqliteParams } from './sqlite-filter.ts';
import { INSERT_VERDICT_SQL, openSqliteDatabase } from './sqlite-connection.ts';
import { CLOSE_MESSAGE, type WriteRequest, type WriteResult } from './sqlite-writer-protocol.ts';

const db = openSqliteDatabase((workerData as { path: string }).path);
const insert = db.prepare(INSERT_VERDICT_SQL);
const insertAll = db.transaction((rows: SqliteParams[]) => {
  for (const row of rows) insert.run(row);
});

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function insertOne(row: SqliteParams): string | undefined {
  try {
    insert.run(row);
    return undefined;
  } catch (error) {
    return errorMessage(error);
  }
}

/** Commits the rows together, or, when that fails, one by one to find the rows that fail. */
function commit(rows: SqliteParams[]): Array<string | undefined> {
  try {
    insertAll(rows);
    return rows.map(() => undefined);
  } catch (error) {
    if (rows.length === 1) return [errorMessage(error)];
    return rows.map(insertOne);
  }
}

parentPort!.on('message', (message: WriteRequest | typeof CLOSE_MESSAGE) => {
  if (message === CLOSE_MESSAGE) {
    db.close();
    parentPort!.close();
    return;
  }
  const result: WriteResult = { batch: message.batch, errors: commit(message.rows) };
  parentPort!.postMessage(result);
});
