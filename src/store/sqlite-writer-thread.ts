/**
 * The SQLite store's writer thread. It owns the connection that appends verdicts, so an
 * append's commit and fsync do not block the main thread's event loop. The main side is
 * SqliteWriter.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BindingRow } from './idempotency-sql.ts';
import { BIND_KEY_SQL, INSERT_VERDICT_SQL, openSqliteDatabase } from './sqlite-connection.ts';
import { CLOSE_MESSAGE, type AppendOutcome, type PendingAppend, type WriteRequest, type WriteResult } from './sqlite-writer-protocol.ts';

/** Opens the connection and prepares the statements, or ends the thread with the reason. */
function prepare(path: string) {
  try {
    const db = openSqliteDatabase(path);
    return { db, insert: db.prepare(INSERT_VERDICT_SQL), bindKey: db.prepare<[PendingAppend['binding']], BindingRow>(BIND_KEY_SQL) };
  } catch (error) {
    // better-sqlite3's SqliteError reaches the main thread with its code but not its message, so a plain Error carries the message.
    throw new Error(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

const { db, insert, bindKey } = prepare((workerData as { path: string }).path);

/** Inserts one verdict inside the caller's transaction, binding its key first when it has one. */
function commitAppend(append: PendingAppend): BindingRow | undefined {
  if (!append.binding) {
    insert.run(append.row);
    return undefined;
  }
  // An upsert with RETURNING yields one row whichever branch it took.
  const binding = bindKey.get(append.binding)!;
  if (binding.verdict_id === append.row.id) insert.run(append.row);
  return binding;
}

const commitAll = db.transaction((appends: PendingAppend[]) => appends.map(commitAppend));
const commitOne = db.transaction(commitAppend);

function failure(error: unknown): AppendOutcome {
  return { error: error instanceof Error ? error.message : String(error) };
}

/** Commits the appends together, or, when that fails, each in a transaction of its own to find the ones that fail. */
function commit(appends: PendingAppend[]): AppendOutcome[] {
  try {
    return commitAll(appends).map((binding) => ({ binding }));
  } catch (error) {
    if (appends.length === 1) return [failure(error)];
    return appends.map((append) => {
      try {
        return { binding: commitOne(append) };
      } catch (appendError) {
        return failure(appendError);
      }
    });
  }
}

parentPort!.on('message', (message: WriteRequest | typeof CLOSE_MESSAGE) => {
  if (message === CLOSE_MESSAGE) {
    db.close();
    parentPort!.close();
    return;
  }
  const result: WriteResult = { batch: message.batch, outcomes: commit(message.appends) };
  parentPort!.postMessage(result);
});
