import pg from 'pg';
import { ScopeSchema } from '../auth/scopes.ts';
import type { ApiKeyRecord, KeyStore } from './key-store.ts';
import { StoreUnavailableError } from './store.ts';

interface KeyRow {
  id: string;
  name: string;
  scopes: string[];
  secret_hash: string;
  created_at: Date;
  revoked_at: Date | null;
}

/** The key table sits next to the verdict tables, outside their migrations. */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    scopes TEXT[] NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
  )
`;

/**
 * Set-up errors that leave a usable store: unique_violation and duplicate_table when two
 * instances create the table at once, and read_only_sql_transaction on a read-only session
 * (a replica of a primary that creates the table).
 */
const TOLERATED_SETUP_CODES = new Set(['23505', '42P07', '25006']);

/** undefined_table: no key was ever created where the table cannot be created either. */
const UNDEFINED_TABLE = '42P01';

function toRecord(row: KeyRow): ApiKeyRecord {
  const record = {
    id: row.id,
    name: row.name,
    scopes: ScopeSchema.array().parse(row.scopes),
    secretHash: row.secret_hash,
    createdAt: row.created_at.toISOString(),
  };
  return row.revoked_at ? { ...record, revokedAt: row.revoked_at.toISOString() } : record;
}

/** API keys in PostgreSQL, shared by every replica that uses the same database. */
export class PgKeyStore implements KeyStore {
  private constructor(private readonly pool: pg.Pool) {}

  /** Connects and creates the key table when it is missing. */
  static async open(url: string): Promise<PgKeyStore> {
    const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 5_000 });
    const store = new PgKeyStore(pool);
    try {
      await pool.query(SCHEMA);
    } catch (error) {
      if (!TOLERATED_SETUP_CODES.has((error as { code?: string }).code ?? '')) {
        await pool.end();
        throw new StoreUnavailableError(`PostgreSQL key store set-up failed: ${(error as Error).message}`, { cause: error });
      }
    }
    return store;
  }

  private async query<R extends pg.QueryResultRow>(action: string, text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(text, values);
    } catch (error) {
      // A missing table on a read-only session contains no keys, so reads find none.
      if (action === 'read' && (error as { code?: string }).code === UNDEFINED_TABLE) {
        return { rows: [], rowCount: 0, command: 'SELECT', oid: 0, fields: [] };
      }
      throw new StoreUnavailableError(`PostgreSQL key store ${action} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  async create(record: Omit<ApiKeyRecord, 'revokedAt'>): Promise<void> {
    await this.query('insert', 'INSERT INTO api_keys (id, name, scopes, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5)', [
      record.id,
      record.name,
      record.scopes,
      record.secretHash,
      record.createdAt,
    ]);
  }

  async find(id: string): Promise<ApiKeyRecord | undefined> {
    const result = await this.query<KeyRow>('read', 'SELECT * FROM api_keys WHERE id = $1', [id]);
    return result.rows[0] ? toRecord(result.rows[0]) : undefined;
  }

  async list(): Promise<ApiKeyRecord[]> {
    const result = await this.query<KeyRow>('read', 'SELECT * FROM api_keys ORDER BY created_at, id');
    return result.rows.map(toRecord);
  }

  async revoke(id: string): Promise<boolean> {
    const result = await this.query('update', 'UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
    return (result.rowCount ?? 0) > 0;
  }

  async countActive(): Promise<number> {
    return this.count('SELECT COUNT(*) AS count FROM api_keys WHERE revoked_at IS NULL');
  }

  async countAll(): Promise<number> {
    return this.count('SELECT COUNT(*) AS count FROM api_keys');
  }

  private async count(sql: string): Promise<number> {
    const result = await this.query<{ count: string }>('read', sql);
    return Number(result.rows[0]?.count ?? 0);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
