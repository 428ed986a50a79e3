import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The machine's PostgreSQL: trust authentication on loopback, database `test`. */
export const POSTGRES_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** A schema of its own in the test database, so parallel test files never see each other's rows. */
export interface TestSchema {
  readonly name: string;
  /** DATABASE_URL whose connections use only this schema. */
  readonly url: string;
  /** Runs SQL as an administrator with this schema on the search path. */
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  drop(): Promise<void>;
}

/** Builds a DATABASE_URL that sets the search path, and any further settings, for every connection. */
export function urlWithSettings(settings: Record<string, string>): string {
  const options = Object.entries(settings)
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ');
  return `${POSTGRES_SERVER_URL}?options=${encodeURIComponent(options)}`;
}

/** Creates a fresh, empty schema with a random name. */
export async function createTestSchema(): Promise<TestSchema> {
  const name = `guard_test_${randomBytes(6).toString('hex')}`;
  const url = urlWithSettings({ search_path: name });
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${pg.escapeIdentifier(name)}`);
  return {
    name,
    url,
    query: (text, values) => admin.query(text, values),
    async drop() {
      await admin.query(`DROP SCHEMA ${pg.escapeIdentifier(name)} CASCADE`);
      await admin.end();
    },
  };
}
