import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { bindKeySql } from './idempotency-sql.ts';

/** The statement that appends one verdict row; the store's writer thread runs it. */
export const INSERT_VERDICT_SQL = `INSERT INTO verdicts (id, created_at, decision, constitution_id, constitution_version, engine, decided_by, tool, risk, training_eligible, session_id, verdict, request)
  VALUES (@id, @created_at, @decision, @constitution_id, @constitution_version, @engine, @decided_by, @tool, @risk, @training_eligible, @session_id, @verdict, @request)`;

/** The upsert that binds an Idempotency-Key to a verdict, with named parameters. */
export const BIND_KEY_SQL = bindKeySql({
  owner: '@owner',
  key: '@key',
  bodyHash: '@body_hash',
  verdictId: '@verdict_id',
  createdAt: '@created_at',
  liveSince: '@live_since',
});

/**
 * Opens a connection to the verdict file, creating its folder, with the settings every
 * connection of the store shares. The store keeps one connection for reads and its writer
 * thread another for appends, so the file must be a real file, not `:memory:`.
 */
export function openSqliteDatabase(path: string): Database.Database {
  if (path === ':memory:' || path === '') {
    throw new TypeError(`SQLite verdict store: "${path}" is not a file path; DATABASE_URL needs sqlite:PATH to a file`);
  }
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // FULL syncs the WAL on every commit, so an acknowledged verdict survives power loss too.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  return db;
}
