import type pg from 'pg';
import { PG_MIGRATIONS } from './pg-migrations.ts';

/**
 * Key of the session-level advisory lock that serialises migrations when several instances
 * start at once. Any fixed bigint works, as long as no other application on the database uses it.
 */
const MIGRATION_LOCK_KEY = '7017857318205566976';

/** The version the schema has once every migration of this build is applied. */
export const LATEST_MIGRATION = Math.max(...PG_MIGRATIONS.map((migration) => migration.version));

async function applyPending(client: pg.PoolClient): Promise<void> {
  const table = await client.query<{ exists: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS exists");
  // Checked first instead of CREATE TABLE IF NOT EXISTS, because a read-only session rejects
  // every CREATE, and a fully migrated standby should still open for reads.
  if (!table.rows[0]?.exists) {
    await client.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
  }
  const applied = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
  const versions = new Set(applied.rows.map((row) => row.version));
  for (const migration of PG_MIGRATIONS) {
    if (versions.has(migration.version)) continue;
    await client.query('BEGIN');
    await client.query(migration.sql);
    await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [migration.version]);
    await client.query('COMMIT');
  }
}

/** Applies the pending migrations in order, one instance at a time. */
export async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await applyPending(client);
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    client.release();
  } catch (error) {
    // Destroying the connection rolls back an open transaction and releases the advisory lock.
    client.release(true);
    throw error;
  }
}
