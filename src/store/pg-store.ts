import pg from 'pg';
import type { Verdict } from '../deliberation/verdict.ts';
import { verdictJson } from '../deliberation/verdict-json.ts';
import type { DeliberationRequest } from '../deliberation/request.ts';
import type { Review } from './review.ts';
import { StoreUnavailableError, type StoredVerdict, type VerdictFilter, type VerdictPage, type VerdictStore } from './store.ts';
import type { BindOutcome, CommitListener, IdempotencyBinding, IdempotencyKey } from './store.ts';
import type { LogSink } from '../logger.ts';
import { PgCommitFeed } from './pg-commit-feed.ts';
import { filterConditions, whereSql } from './filter-sql.ts';
import { GroupCommit } from './group-commit.ts';
import { bindKeySql, toBinding, toBindOutcome, type BindingRow } from './idempotency-sql.ts';
import { toStoreError } from './pg-errors.ts';
import { LATEST_MIGRATION, migrate } from './pg-migrate.ts';
import { factorBinsQuery, groupsQuery, timelineQuery } from './pg-statistics.ts';
import {
  buildFactorDistributions,
  buildStatistics,
  type FactorBinRow,
  type FactorDistribution,
  type StatisticsOptions,
  type StatisticsRows,
  type VerdictStatistics,
} from './statistics.ts';

/** SQLSTATE of a unique constraint violation, here a verdict id that is already stored. */
const UNIQUE_VIOLATION = '23505';

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

/** The columns a verdict insert writes, with their PostgreSQL types, in the order of verdictValues. */
const INSERT_COLUMNS = [
  ['id', 'text'],
  ['created_at', 'timestamptz'],
  ['decision', 'text'],
  ['constitution_id', 'text'],
  ['constitution_version', 'text'],
  ['engine', 'text'],
  ['decided_by', 'text'],
  ['tool', 'text'],
  ['risk', 'float8'],
  ['training_eligible', 'bool'],
  ['verdict', 'json'],
  ['request', 'json'],
  ['session_id', 'text'],
] as const;
const INSERT_COLUMN_LIST = INSERT_COLUMNS.map(([name]) => name).join(', ');

/** Builds the INSERT of one verdict row. */
function verdictInsert(record: StoredVerdict): pg.QueryConfig {
  return {
    name: 'verdicts_insert',
    text: `INSERT INTO verdicts (${INSERT_COLUMN_LIST}) VALUES (${INSERT_COLUMNS.map((_, index) => `$${index + 1}`).join(', ')})`,
    values: verdictValues(record),
  };
}

/**
 * Builds one INSERT of several verdict rows, one array parameter per column, so the statement
 * text and its prepared plan stay the same whatever the number of rows.
 */
function verdictBatchInsert(records: StoredVerdict[]): pg.QueryConfig {
  const rows = records.map(verdictValues);
  return {
    name: 'verdicts_insert_batch',
    text: `INSERT INTO verdicts (${INSERT_COLUMN_LIST}) SELECT * FROM unnest(${INSERT_COLUMNS.map(([, type], index) => `$${index + 1}::${type}[]`).join(', ')})`,
    values: INSERT_COLUMNS.map((_, column) => rows.map((row) => row[column])),
  };
}

function verdictValues({ verdict, request }: StoredVerdict): unknown[] {
  return [
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
    verdictJson(verdict),
    JSON.stringify(request),
    request.context.session_id === undefined ? null : textValue(request.context.session_id),
  ];
}

/** Builds the upsert that binds an Idempotency-Key to a verdict, as bindKeySql describes. */
function bindKeyQuery(key: IdempotencyKey, verdictId: string, liveSince: string): pg.QueryConfig {
  return {
    name: 'idempotency_keys_bind',
    text: bindKeySql({ owner: '$1', key: '$2', bodyHash: '$3', verdictId: '$4', createdAt: '$5', liveSince: '$6' }),
    values: [textValue(key.owner), textValue(key.key), key.bodyHash, verdictId, key.createdAt, liveSince],
  };
}

/** Verdict store on PostgreSQL, shared by any number of service instances. */
export class PgVerdictStore implements VerdictStore {
  private closed = false;
  private readonly writes = new GroupCommit<StoredVerdict>((records) => this.insertBatch(records));

  private feed: PgCommitFeed | undefined;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly connectionString: string,
  ) {}

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
    return new PgVerdictStore(pool, connectionString);
  }

  private async query<R extends pg.QueryResultRow>(action: string, query: pg.QueryConfig): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(query);
    } catch (error) {
      throw toStoreError(action, error);
    }
  }

  async append(record: StoredVerdict): Promise<void> {
    await this.writes.write(record);
  }

  /**
   * Inserts the appends that arrived together in one statement, so they share one round trip
   * and one commit. When the batch hits a duplicate id, each row is inserted alone, so the
   * duplicate fails only its own append. Any other failure fails the whole batch.
   */
  private async insertBatch(records: StoredVerdict[]): Promise<Array<void | Error>> {
    if (records.length > 1) {
      try {
        await this.pool.query(verdictBatchInsert(records));
        return records.map(() => undefined);
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) {
          const storeError = toStoreError('insert', error) as Error;
          return records.map(() => storeError);
        }
      }
    }
    return Promise.all(records.map((record) => this.query('insert', verdictInsert(record)).then(() => undefined, (error: Error) => error)));
  }

  async appendIdempotent(record: StoredVerdict, key: IdempotencyKey, liveSince: string): Promise<BindOutcome> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw toStoreError('insert', error);
    }
    try {
      await client.query('BEGIN');
      // The key row goes first: a concurrent transaction with the same key waits on it here and,
      // once this one commits, finds the binding and inserts no verdict.
      const result = await client.query<BindingRow>(bindKeyQuery(key, record.verdict.id, liveSince));
      const outcome = toBindOutcome(result.rows[0]!, record.verdict.id);
      if (outcome.bound) {
        await client.query(verdictInsert(record));
        await client.query('COMMIT');
      } else {
        await client.query('ROLLBACK');
      }
      client.release();
      return outcome;
    } catch (error) {
      // Destroying the connection also ends the open transaction on the server.
      client.release(true);
      throw toStoreError('insert', error);
    }
  }

  async bindIdempotencyKey(key: IdempotencyKey, verdictId: string, liveSince: string): Promise<BindOutcome> {
    const result = await this.query<BindingRow>('insert', bindKeyQuery(key, verdictId, liveSince));
    return toBindOutcome(result.rows[0]!, verdictId);
  }

  async findIdempotencyKey(owner: string, key: string, liveSince: string): Promise<IdempotencyBinding | undefined> {
    const result = await this.query<BindingRow>('read', {
      name: 'idempotency_keys_find',
      text: 'SELECT body_hash, verdict_id, created_at FROM idempotency_keys WHERE owner = $1 AND key = $2 AND created_at >= $3',
      values: [textValue(owner), textValue(key), liveSince],
    });
    const row = result.rows[0];
    return row ? toBinding(row) : undefined;
  }

  async deleteIdempotencyKeys(createdBefore: string): Promise<number> {
    const result = await this.query('delete', {
      text: 'DELETE FROM idempotency_keys WHERE created_at < $1',
      values: [createdBefore],
    });
    return result.rowCount ?? 0;
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

  async *scan(filter: VerdictFilter, options: { after?: string } = {}): AsyncIterable<StoredVerdict> {
    // Keyset pages instead of one server-side cursor, so no pooled connection stays checked out
    // while the caller streams an export at the client's pace.
    let after = options.after ?? '';
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

  async statistics(filter: VerdictFilter, options: StatisticsOptions): Promise<VerdictStatistics> {
    const parameters = new Parameters();
    const where = whereSql(filterConditions(filter, parameters.bind));
    const [groups, timeline] = await Promise.all([
      this.query<StatisticsRows['groups'][number]>('read', groupsQuery(where, parameters.values)),
      this.query<StatisticsRows['timeline'][number]>('read', timelineQuery(where, parameters.values, options.bucket)),
    ]);
    return buildStatistics({ groups: groups.rows, timeline: timeline.rows }, options);
  }

  async factorDistributions(filter: VerdictFilter): Promise<FactorDistribution[]> {
    const parameters = new Parameters();
    const where = whereSql(filterConditions(filter, parameters.bind));
    const result = await this.query<FactorBinRow>('read', factorBinsQuery(where, parameters.values));
    return buildFactorDistributions(result.rows);
  }

  async listBySession(sessionIds: readonly string[], limitPerSession: number): Promise<Map<string, StoredVerdict[]>> {
    const bySession = new Map<string, StoredVerdict[]>();
    if (sessionIds.length === 0) return bySession;
    const result = await this.query<VerdictRow & { session_id: string }>('read', {
      text: `SELECT session_id, ${COLUMNS} FROM (
               SELECT id, session_id, ${COLUMNS}, ROW_NUMBER() OVER (PARTITION BY session_id ORDER BY id DESC) AS position
               FROM verdicts WHERE session_id = ANY($1::text[])
             ) AS ranked WHERE position <= $2 ORDER BY session_id, id DESC`,
      values: [sessionIds.map(textValue), limitPerSession],
    });
    for (const row of result.rows) {
      const records = bySession.get(row.session_id) ?? [];
      records.push(toStored(row));
      bySession.set(row.session_id, records);
    }
    return bySession;
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

  async watchCommitted(listener: CommitListener, log: LogSink): Promise<void> {
    this.feed ??= new PgCommitFeed(this.connectionString, log);
    try {
      await this.feed.add(listener);
    } catch (error) {
      throw toStoreError('listen', error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.feed?.close();
    await this.writes.drain();
    await this.pool.end();
  }
}
