import pg from 'pg';
import type { Verdict } from '../deliberation/verdict.ts';
import type { DeliberationRequest } from '../deliberation/request.ts';
import type { Review } from './review.ts';
import { StoreUnavailableError, type StoredVerdict, type VerdictFilter, type VerdictPage, type VerdictStore } from './store.ts';
import { filterConditions, whereSql } from './filter-sql.ts';
import { toStoreError } from './pg-errors.ts';
import { LATEST_MIGRATION, migrate } from './pg-migrate.ts';

/** Rows read per query when scanning, which bounds memory during exports. */
const SCAN_PAGE_SIZE = 500;

/** Connections per instance; several instances together must stay under the server's max_connections. */
const POOL_SIZE = 10;

/** How long a request waits for a pooled connection before the store counts as unavailable. */
const CONNECT_TIMEOUT_MS = 5_000;

/** Client-side limit on one query, so a hung server turns into a 503 instead of a hung request. */
const QUERY_TIMEOUT_MS = 10_000;

interface VerdictRow {
  verdict: Verdict;
  request: DeliberationRequest;
  review: Review | null;
}

const COLUMNS = 'verdict, request, review';

function toStored(row: VerdictRow): StoredVerdict {
  const record = { verdict: row.verdict, request: row.request };
  return row.review ? { ...record, review: row.review } : record;
}

/**
 * Makes a string storable in a `text` column, which cannot contain U+0000, by replacing it with
 * U+FFFD. Only the indexed filter columns go through this. The JSON columns keep the exact value
 * as a `\u0000` escape.
 */
function textValue(value: string): string {
  return value.replaceAll('\u0000', '\uFFFD');
}

/** Collects bound parameters and hands out their `$n` placeholders. */
class Parameters {
  readonly values: Array<string | number> = [];

  bind = (value: string | number): string => {
    this.values.push(typeof value === 'string' ? textValue(value) : value);
    return `$${this.values.length}`;
  };
}

/** Verdict store on PostgreSQL, shared by any number of service instances. */
export class PgVerdictStore implements VerdictStore {
  private closed = false;

  private constructor(private readonly pool: pg.Pool) {}

  /** Connects with a pool and applies pending migrations. Rejects with StoreUnavailableError when the database is unreachable. */
  static async open(connectionString: string): Promise<PgVerdictStore> {
    const pool = new pg.Pool({
      connectionString,
      max: POOL_SIZE,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
      application_name: 'deliberation-guard',
    });
    // An idle pooled connection that the server drops emits 'error' on the pool, which would
    // crash the process unhandled. The pool discards that connection, and the next query
    // opens a new one or fails with StoreUnavailableError.
    pool.on('error', () => {});
    try {
      await migrate(pool);
    } catch (error) {
      await pool.end();
      throw toStoreError('migration', error);
    }
    return new PgVerdictStore(pool);
  }

  private async query<R extends pg.QueryResultRow>(action: string, query: pg.QueryConfig): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(query);
    } catch (error) {
      throw toStoreError(action, error);
    }
  }

  async append({ verdict, request }: StoredVerdict): Promise<void> {
    await this.query('insert', {
      name: 'verdicts_insert',
      text: `INSERT INTO verdicts (id, created_at, decision, constitution_id, constitution_version, engine, decided_by, tool, risk, training_eligible, verdict, request)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      values: [
        verdict.id,
        verdict.created_at,
        verdict.decision,
        textValue(verdict.constitution.id),
        textValue(verdict.constitution.version),
        verdict.engine.id,
        verdict.engine.decided_by,
        textValue(request.action.tool),
        verdict.risk,
        verdict.training.eligible,
        JSON.stringify(verdict),
        JSON.stringify(request),
      ],
    });
  }

  async get(id: string): Promise<StoredVerdict | undefined> {
    const result = await this.query<VerdictRow>('read', {
      name: 'verdicts_by_id',
      text: `SELECT ${COLUMNS} FROM verdicts WHERE id = $1`,
      values: [textValue(id)],
    });
    const row = result.rows[0];
    return row ? toStored(row) : undefined;
  }

  async review(id: string, review: Review): Promise<StoredVerdict | undefined> {
    const result = await this.query<VerdictRow>('update', {
      text: `UPDATE verdicts SET review = $2, reviewed_at = $3 WHERE id = $1 RETURNING ${COLUMNS}`,
      values: [textValue(id), JSON.stringify(review), review.reviewed_at],
    });
    const row = result.rows[0];
    return row ? toStored(row) : undefined;
  }

  async list(filter: VerdictFilter, options: { limit: number; cursor?: string }): Promise<VerdictPage> {
    const parameters = new Parameters();
    const conditions = options.cursor ? [`id < ${parameters.bind(options.cursor)}`] : [];
    conditions.push(...filterConditions(filter, parameters.bind));
    const result = await this.query<VerdictRow & { id: string }>('read', {
      text: `SELECT id, ${COLUMNS} FROM verdicts ${whereSql(conditions)} ORDER BY id DESC LIMIT ${parameters.bind(options.limit + 1)}`,
      values: parameters.values,
    });
    const items = result.rows.slice(0, options.limit).map(toStored);
    const last = items.at(-1);
    return result.rows.length > options.limit && last ? { items, nextCursor: last.verdict.id } : { items };
  }

  async *scan(filter: VerdictFilter): AsyncIterable<StoredVerdict> {
    // Keyset pages instead of one server-side cursor, so no pooled connection stays checked out
    // while the caller streams an export at the client's pace.
    let after = '';
    for (;;) {
      const parameters = new Parameters();
      const conditions = [`id > ${parameters.bind(after)}`, ...filterConditions(filter, parameters.bind)];
      const result = await this.query<VerdictRow & { id: string }>('read', {
        text: `SELECT id, ${COLUMNS} FROM verdicts ${whereSql(conditions)} ORDER BY id ASC LIMIT ${parameters.bind(SCAN_PAGE_SIZE)}`,
        values: parameters.values,
      });
      for (const row of result.rows) yield toStored(row);
      const last = result.rows.at(-1);
      if (!last || result.rows.length < SCAN_PAGE_SIZE) return;
      after = last.id;
    }
  }

  /**
   * Checks that a pooled connection responds, that the session can write (a standby after a
   * failover serves reads but rejects every insert), and that the schema is migrated.
   */
  async ping(): Promise<void> {
    let state: { read_only: string; version: number | null } | undefined;
    try {
      const result = await this.pool.query<{ read_only: string; version: number | null }>(
        "SELECT current_setting('transaction_read_only') AS read_only, (SELECT max(version) FROM schema_migrations) AS version",
      );
      state = result.rows[0];
    } catch (error) {
      throw new StoreUnavailableError(`PostgreSQL health check failed: ${(error as Error).message}`, { cause: error });
    }
    if (state?.read_only !== 'off') {
      throw new StoreUnavailableError('PostgreSQL health check failed: the session is read-only, so verdicts cannot be written. Point DATABASE_URL at the primary server.');
    }
    if (state.version === null || state.version < LATEST_MIGRATION) {
      throw new StoreUnavailableError(
        `PostgreSQL health check failed: the schema is at migration ${state.version ?? 'none'}, expected ${LATEST_MIGRATION}. Restart an instance to migrate it.`,
      );
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
