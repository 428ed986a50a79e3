import type Database from 'better-sqlite3';
import type { Verdict } from '../deliberation/verdict.ts';
import { verdictJson } from '../deliberation/verdict-json.ts';
import type { Review } from './review.ts';
import { StoreUnavailableError, type StoredVerdict, type VerdictFilter, type VerdictPage, type VerdictStore } from './store.ts';
import type { BindOutcome, CommitListener, IdempotencyBinding, IdempotencyKey } from './store.ts';
import { GroupCommit } from './group-commit.ts';
import { toBinding, toBindOutcome, type BindingRow } from './idempotency-sql.ts';
import { BIND_KEY_SQL, openSqliteDatabase } from './sqlite-connection.ts';
import type { PendingAppend } from './sqlite-writer-protocol.ts';
import { SqliteWriter } from './sqlite-writer.ts';
import { whereClause, type SqliteParams } from './sqlite-filter.ts';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.ts';
import { sqliteFactorBins, sqliteStatisticsRows } from './sqlite-statistics.ts';
import {
  buildFactorDistributions,
  buildStatistics,
  type FactorDistribution,
  type StatisticsOptions,
  type VerdictStatistics,
} from './statistics.ts';

/** Rows read per query when scanning; bounds memory during exports. */
const SCAN_PAGE_SIZE = 500;

interface VerdictRow {
  verdict: string;
  request: string;
  review: string | null;
}

const COLUMNS = 'verdict, request, review';

/** Builds the column values of one verdict row. */
function verdictRow({ verdict, request }: StoredVerdict): PendingAppend['row'] {
  return {
    id: verdict.id,
    created_at: verdict.created_at,
    decision: verdict.decision,
    constitution_id: verdict.constitution.id,
    constitution_version: verdict.constitution.version,
    engine: verdict.engine.id,
    decided_by: verdict.engine.decided_by,
    tool: request.action.tool,
    risk: verdict.risk,
    training_eligible: verdict.training.eligible ? 1 : 0,
    session_id: request.context.session_id ?? null,
    verdict: verdictJson(verdict),
    request: JSON.stringify(request),
  };
}

/** Builds the parameters of BIND_KEY_SQL. */
function bindingParams(key: IdempotencyKey, verdictId: string, liveSince: string): SqliteParams {
  return { owner: key.owner, key: key.key, body_hash: key.bodyHash, verdict_id: verdictId, created_at: key.createdAt, live_since: liveSince };
}

function toStored(row: VerdictRow): StoredVerdict {
  const record = { verdict: JSON.parse(row.verdict) as Verdict, request: JSON.parse(row.request) };
  return row.review ? { ...record, review: JSON.parse(row.review) as Review } : record;
}

/** Wraps driver errors so callers see one error type for an unusable store. */
function guarded<T>(action: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw new StoreUnavailableError(`SQLite ${action} failed: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Verdict store on one SQLite file in WAL mode, for a single service instance. Reads, reviews
 * and health checks run on the calling thread's connection. Appends go through a writer
 * thread with a connection of its own, so their fsync does not block the event loop.
 */
export class SqliteVerdictStore implements VerdictStore {
  private readonly db: Database.Database;
  private readonly byId: Database.Statement<[string], VerdictRow>;
  private readonly setReview: Database.Statement;
  private readonly bindKey: Database.Statement<[SqliteParams], BindingRow>;
  private readonly findKey: Database.Statement<[SqliteParams], BindingRow>;
  private readonly writer: SqliteWriter;
  private readonly writes: GroupCommit<PendingAppend, BindingRow | undefined>;
  /** One instance owns the file, so its own commits are all there is to announce. */
  private readonly commitListeners = new Set<CommitListener>();

  constructor(readonly path: string) {
    this.db = openSqliteDatabase(path);
    this.migrate();
    this.byId = this.db.prepare(`SELECT ${COLUMNS} FROM verdicts WHERE id = ?`);
    this.setReview = this.db.prepare('UPDATE verdicts SET review = @review, reviewed_at = @reviewed_at WHERE id = @id');
    this.bindKey = this.db.prepare(BIND_KEY_SQL);
    this.findKey = this.db.prepare(
      'SELECT body_hash, verdict_id, created_at FROM idempotency_keys WHERE owner = @owner AND key = @key AND created_at >= @live_since',
    );
    this.writer = new SqliteWriter(path);
    this.writes = new GroupCommit((rows) => this.writer.commit(rows));
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    const applied = new Set(
      this.db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[],
    );
    for (const migration of SQLITE_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      this.db.transaction(() => {
        this.db.exec(migration.sql);
        this.db
          .prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)')
          .run(migration.version, new Date().toISOString());
      })();
    }
  }

  async append(record: StoredVerdict): Promise<void> {
    await this.writes.write({ row: verdictRow(record) });
    this.announce(record.verdict);
  }

  async appendIdempotent(record: StoredVerdict, key: IdempotencyKey, liveSince: string): Promise<BindOutcome> {
    const row = verdictRow(record);
    const binding = await this.writes.write({ row, binding: bindingParams(key, row.id, liveSince) });
    const outcome = toBindOutcome(binding!, row.id);
    if (outcome.bound) this.announce(record.verdict);
    return outcome;
  }

  async watchCommitted(listener: CommitListener): Promise<void> {
    this.commitListeners.add(listener);
  }

  private announce(verdict: Verdict): void {
    for (const listener of this.commitListeners) listener(verdict);
  }

  async bindIdempotencyKey(key: IdempotencyKey, verdictId: string, liveSince: string): Promise<BindOutcome> {
    // An upsert with RETURNING yields one row whichever branch it took.
    return guarded('insert', () => toBindOutcome(this.bindKey.get(bindingParams(key, verdictId, liveSince))!, verdictId));
  }

  async findIdempotencyKey(owner: string, key: string, liveSince: string): Promise<IdempotencyBinding | undefined> {
    const row = guarded('read', () => this.findKey.get({ owner, key, live_since: liveSince }));
    return row ? toBinding(row) : undefined;
  }

  async deleteIdempotencyKeys(createdBefore: string): Promise<number> {
    const result = guarded('delete', () =>
      this.db.prepare('DELETE FROM idempotency_keys WHERE created_at < ?').run(createdBefore),
    );
    return result.changes;
  }

  async get(id: string): Promise<StoredVerdict | undefined> {
    const row = guarded('read', () => this.byId.get(id));
    return row ? toStored(row) : undefined;
  }

  async review(id: string, review: Review): Promise<StoredVerdict | undefined> {
    const result = guarded('update', () =>
      this.setReview.run({ id, review: JSON.stringify(review), reviewed_at: review.reviewed_at }),
    );
    return result.changes === 0 ? undefined : this.get(id);
  }

  async list(filter: VerdictFilter, options: { limit: number; cursor?: string }): Promise<VerdictPage> {
    const where = whereClause(filter, options.cursor ? ['id < @cursor'] : []);
    const params = options.cursor ? { ...where.params, cursor: options.cursor } : where.params;
    const rows = guarded('read', () =>
      this.db
        .prepare<[SqliteParams], VerdictRow>(
          `SELECT ${COLUMNS} FROM verdicts ${where.sql} ORDER BY id DESC LIMIT @limit`,
        )
        .all({ ...params, limit: options.limit + 1 }),
    );
    const items = rows.slice(0, options.limit).map(toStored);
    const last = items.at(-1);
    return rows.length > options.limit && last ? { items, nextCursor: last.verdict.id } : { items };
  }

  async *scan(filter: VerdictFilter, options: { after?: string } = {}): AsyncIterable<StoredVerdict> {
    // Reads in keyset pages instead of one open iterator: better-sqlite3 refuses other
    // statements on a connection while an iterator is open, and inserts must go on during an export.
    let after = options.after ?? '';
    for (;;) {
      const where = whereClause(filter, ['id > @after']);
      const rows = guarded('read', () =>
        this.db
          .prepare<[SqliteParams], VerdictRow & { id: string }>(
            `SELECT id, ${COLUMNS} FROM verdicts ${where.sql} ORDER BY id ASC LIMIT @limit`,
          )
          .all({ ...where.params, after, limit: SCAN_PAGE_SIZE }),
      );
      for (const row of rows) yield toStored(row);
      const last = rows.at(-1);
      if (!last || rows.length < SCAN_PAGE_SIZE) return;
      after = last.id;
    }
  }

  async statistics(filter: VerdictFilter, options: StatisticsOptions): Promise<VerdictStatistics> {
    const rows = guarded('read', () => sqliteStatisticsRows(this.db, filter, options.bucket));
    return buildStatistics(rows, options);
  }

  async factorDistributions(filter: VerdictFilter): Promise<FactorDistribution[]> {
    return buildFactorDistributions(guarded('read', () => sqliteFactorBins(this.db, filter)));
  }

  async listBySession(sessionIds: readonly string[], limitPerSession: number): Promise<Map<string, StoredVerdict[]>> {
    const bySession = new Map<string, StoredVerdict[]>();
    if (sessionIds.length === 0) return bySession;
    // The ids travel as one JSON array parameter, so the statement text does not depend on their number.
    const rows = guarded('read', () =>
      this.db
        .prepare<[SqliteParams], VerdictRow & { session_id: string }>(
          `SELECT session_id, ${COLUMNS} FROM (
             SELECT id, session_id, ${COLUMNS}, ROW_NUMBER() OVER (PARTITION BY session_id ORDER BY id DESC) AS position
             FROM verdicts WHERE session_id IN (SELECT value FROM json_each(@ids))
           ) WHERE position <= @limit ORDER BY session_id, id DESC`,
        )
        .all({ ids: JSON.stringify(sessionIds), limit: limitPerSession }),
    );
    for (const row of rows) {
      const records = bySession.get(row.session_id) ?? [];
      records.push(toStored(row));
      bySession.set(row.session_id, records);
    }
    return bySession;
  }

  async ping(): Promise<void> {
    guarded('health check', () => {
      this.db.prepare('SELECT 1').get();
      // A read-only or full file still serves SELECT, so BEGIN IMMEDIATE also takes the write lock.
      this.db.exec('BEGIN IMMEDIATE; ROLLBACK;');
    });
  }

  /** Closes the read connection at once, so reads fail from now on, then lets the queued appends commit. */
  async close(): Promise<void> {
    this.commitListeners.clear();
    if (this.db.open) this.db.close();
    await this.writes.drain();
    await this.writer.close();
  }
}
