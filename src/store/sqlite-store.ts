import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Verdict } from '../deliberation/verdict.ts';
import type { Review } from './review.ts';
import { StoreUnavailableError, type StoredVerdict, type VerdictFilter, type VerdictPage, type VerdictStore } from './store.ts';
import { filterConditions, whereSql } from './filter-sql.ts';
import { GroupCommit } from './group-commit.ts';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.ts';

/** Rows read per query when scanning; bounds memory during exports. */
const SCAN_PAGE_SIZE = 500;

interface VerdictRow {
  verdict: string;
  request: string;
  review: string | null;
}

const COLUMNS = 'verdict, request, review';

/** Builds the WHERE clause for a filter with named parameters @p0, @p1, …; values never enter the SQL text. */
function whereClause(filter: VerdictFilter, extra: string[] = []): { sql: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  const bind = (value: string): string => {
    const name = `p${Object.keys(params).length}`;
    params[name] = value;
    return `@${name}`;
  };
  return { sql: whereSql([...extra, ...filterConditions(filter, bind)]), params };
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

/** Verdict store on one SQLite file in WAL mode, for a single service instance. */
export class SqliteVerdictStore implements VerdictStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly byId: Database.Statement<[string], VerdictRow>;
  private readonly setReview: Database.Statement;
  private readonly writes: GroupCommit<Record<string, string | number>>;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // FULL syncs the WAL on every commit, so an acknowledged verdict survives power loss too.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    this.insert = this.db.prepare(
      `INSERT INTO verdicts (id, created_at, decision, constitution_id, constitution_version, engine, decided_by, tool, risk, training_eligible, verdict, request)
       VALUES (@id, @created_at, @decision, @constitution_id, @constitution_version, @engine, @decided_by, @tool, @risk, @training_eligible, @verdict, @request)`,
    );
    this.byId = this.db.prepare(`SELECT ${COLUMNS} FROM verdicts WHERE id = ?`);
    this.setReview = this.db.prepare('UPDATE verdicts SET review = @review, reviewed_at = @reviewed_at WHERE id = @id');
    const insertMany = this.db.transaction((rows: Array<Record<string, string | number>>) => {
      for (const row of rows) this.insert.run(row);
    });
    this.writes = new GroupCommit(
      (rows) => guarded('insert', () => insertMany(rows)),
      (row) => guarded('insert', () => this.insert.run(row)),
    );
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

  async append({ verdict, request }: StoredVerdict): Promise<void> {
    return this.writes.write({
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
      verdict: JSON.stringify(verdict),
      request: JSON.stringify(request),
    });
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
        .prepare<[Record<string, string | number>], VerdictRow>(
          `SELECT ${COLUMNS} FROM verdicts ${where.sql} ORDER BY id DESC LIMIT @limit`,
        )
        .all({ ...params, limit: options.limit + 1 }),
    );
    const items = rows.slice(0, options.limit).map(toStored);
    const last = items.at(-1);
    return rows.length > options.limit && last ? { items, nextCursor: last.verdict.id } : { items };
  }

  async *scan(filter: VerdictFilter): AsyncIterable<StoredVerdict> {
    // Reads in keyset pages instead of one open iterator: better-sqlite3 refuses other
    // statements on a connection while an iterator is open, and inserts must go on during an export.
    let after = '';
    for (;;) {
      const where = whereClause(filter, ['id > @after']);
      const rows = guarded('read', () =>
        this.db
          .prepare<[Record<string, string | number>], VerdictRow & { id: string }>(
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

  async ping(): Promise<void> {
    guarded('health check', () => {
      this.db.prepare('SELECT 1').get();
      // A read-only or full file still serves SELECT, so BEGIN IMMEDIATE also takes the write lock.
      this.db.exec('BEGIN IMMEDIATE; ROLLBACK;');
    });
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.writes.flush();
    this.db.close();
  }
}
