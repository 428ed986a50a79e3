import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ScopeSchema } from '../auth/scopes.ts';
import type { ApiKeyRecord, KeyStore } from './key-store.ts';
import { StoreUnavailableError } from './store.ts';

interface KeyRow {
  id: string;
  name: string;
  scopes: string;
  secret_hash: string;
  created_at: string;
  revoked_at: string | null;
}

/** The key table lives next to the verdict tables but has its own IF NOT EXISTS schema. */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
  )
`;

function toRecord(row: KeyRow): ApiKeyRecord {
  const record = {
    id: row.id,
    name: row.name,
    scopes: ScopeSchema.array().parse(JSON.parse(row.scopes)),
    secretHash: row.secret_hash,
    createdAt: row.created_at,
  };
  return row.revoked_at ? { ...record, revokedAt: row.revoked_at } : record;
}

/** API keys in a SQLite file, usually the verdict store's own file. */
export class SqliteKeyStore implements KeyStore {
  private readonly db: Database.Database;
  private readonly byId: Database.Statement<[string], KeyRow>;
  private readonly active: Database.Statement<[], number>;
  private readonly all: Database.Statement<[], number>;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.byId = this.db.prepare('SELECT * FROM api_keys WHERE id = ?');
    this.active = this.db.prepare<[], number>('SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL').pluck();
    this.all = this.db.prepare<[], number>('SELECT COUNT(*) FROM api_keys').pluck();
  }

  private guarded<T>(action: string, run: () => T): T {
    try {
      return run();
    } catch (error) {
      throw new StoreUnavailableError(`SQLite key store ${action} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  async create(record: Omit<ApiKeyRecord, 'revokedAt'>): Promise<void> {
    this.guarded('insert', () =>
      this.db
        .prepare('INSERT INTO api_keys (id, name, scopes, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(record.id, record.name, JSON.stringify(record.scopes), record.secretHash, record.createdAt),
    );
  }

  async find(id: string): Promise<ApiKeyRecord | undefined> {
    const row = this.guarded('read', () => this.byId.get(id));
    return row ? toRecord(row) : undefined;
  }

  async list(): Promise<ApiKeyRecord[]> {
    const rows = this.guarded('read', () => this.db.prepare<[], KeyRow>('SELECT * FROM api_keys ORDER BY created_at, id').all());
    return rows.map(toRecord);
  }

  async revoke(id: string): Promise<boolean> {
    const result = this.guarded('update', () =>
      this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(new Date().toISOString(), id),
    );
    return result.changes > 0;
  }

  async countActive(): Promise<number> {
    return this.guarded('read', () => this.active.get()!);
  }

  async countAll(): Promise<number> {
    return this.guarded('read', () => this.all.get()!);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
