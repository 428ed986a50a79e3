/**
 * Benchmarks `harvest` on synthetic verdicts. The script generates the rows in a SQLite file in a
 * temp folder, or in a PostgreSQL schema of its own with --postgres. It then runs the real CLI
 * under /usr/bin/time and reports rows per second, peak RSS and the size of the store.
 *
 *   node --import tsx scripts/bench-harvest.ts --rows 1000000 [--format deliberation] [--keep]
 *   node --import tsx scripts/bench-harvest.ts --rows 1000000 --postgres postgres://postgres@127.0.0.1:5432/test
 *
 * --keep leaves the temp folder (and the PostgreSQL schema) in place. --database FILE exports
 * from a kept SQLite file, and --schema NAME from a kept PostgreSQL schema, instead of
 * generating the rows again.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { loadConstitutions } from '../src/constitution/loader.ts';
import type { Verdict } from '../src/deliberation/verdict.ts';
import { PgVerdictStore } from '../src/store/pg-store.ts';
import { SqliteVerdictStore } from '../src/store/sqlite-store.ts';
import { syntheticRecord } from './synthetic-verdicts.ts';

/** Rows per SQLite transaction and per PostgreSQL INSERT. */
const ROWS_PER_BATCH = 10_000;
const root = join(import.meta.dirname, '..');

/** The columns the store indexes or filters on, and the JSON columns, in insert order. */
const COLUMNS = ['id', 'created_at', 'decision', 'constitution_id', 'constitution_version', 'engine', 'decided_by', 'tool', 'risk', 'training_eligible', 'verdict', 'request'] as const;
/** PostgreSQL array types for the unnest insert, one per column above. */
const PG_TYPES = ['text', 'timestamptz', 'text', 'text', 'text', 'text', 'text', 'text', 'float8', 'bool', 'json', 'json'] as const;

type Row = [string, string, string, string, string, string, string, string, number, boolean, string, string];

/** Synthetic record `index` as the column values of one verdicts row. */
function syntheticRow(index: number, ref: Verdict['constitution']): Row {
  const { verdict, request } = syntheticRecord(index, ref);
  return [verdict.id, verdict.created_at, verdict.decision, ref.id, ref.version, verdict.engine.id, verdict.engine.decided_by,
    request.action.tool, verdict.risk, verdict.training.eligible, JSON.stringify(verdict), JSON.stringify(request)];
}

/**
 * The store that the benchmark fills and exports from. `create` makes an empty store through
 * the store's own migrations, and `insert` writes one batch of 10,000 rows in one transaction.
 * The store's own append makes a durable commit for each group of concurrent requests, which
 * would take hours for a million rows written one after another.
 */
interface Backend {
  /** DATABASE_URL for the harvest CLI. */
  readonly databaseUrl: string;
  /** Folder for the export's output files. */
  readonly outDir: string;
  create(): Promise<void>;
  insert(rows: Row[]): Promise<void>;
  /**
   * Ends the writes and returns the bytes the store takes with its indexes. PostgreSQL runs
   * VACUUM ANALYZE first, as autovacuum would after a bulk load, so the export does not pay for it.
   */
  size(): Promise<number>;
  /** Removes what the run created unless `keep` is set, and returns a note naming what was kept. */
  finish(keep: boolean): Promise<string | undefined>;
}

function sqliteBackend(file: string | undefined): Backend {
  const dir = file ? dirname(file) : mkdtempSync(join(tmpdir(), 'guard-bench-harvest-'));
  const path = file ?? join(dir, 'verdicts.sqlite');
  let db: Database.Database | undefined;
  let insertBatch: ((rows: Row[]) => void) | undefined;
  return {
    databaseUrl: `sqlite:${path}`,
    outDir: dir,
    async create() {
      await new SqliteVerdictStore(path).close();
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = OFF');
      const insert = db.prepare(`INSERT INTO verdicts (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`);
      insertBatch = db.transaction((rows: Row[]) => {
        for (const row of rows) insert.run(...row.map((value) => (typeof value === 'boolean' ? Number(value) : value)));
      });
    },
    async insert(rows) {
      insertBatch!(rows);
    },
    async size() {
      db?.pragma('wal_checkpoint(TRUNCATE)');
      db?.close();
      db = undefined;
      return statSync(path).size;
    },
    async finish(keep) {
      if (keep || file) return `kept ${dir}`;
      rmSync(dir, { recursive: true, force: true });
      return undefined;
    },
  };
}

async function postgresBackend(serverUrl: string, existingSchema: string | undefined): Promise<Backend> {
  const schema = existingSchema ?? `guard_bench_${randomBytes(6).toString('hex')}`;
  const url = new URL(serverUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect().catch((error: unknown) => {
    throw new Error(`PostgreSQL at ${serverUrl} is not reachable (${(error as Error).message}). Start it or pass --postgres URL.`, { cause: error });
  });
  const outDir = mkdtempSync(join(tmpdir(), 'guard-bench-harvest-'));
  const text = `INSERT INTO verdicts (${COLUMNS.join(', ')})
    SELECT * FROM unnest(${PG_TYPES.map((type, position) => `$${position + 1}::${type}[]`).join(', ')})`;
  return {
    databaseUrl: url.toString(),
    outDir,
    async create() {
      await client.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
      await (await PgVerdictStore.open(url.toString())).close();
      // Commits still become visible at once. Only a server crash could lose the last batches,
      // which a benchmark can afford.
      await client.query('SET synchronous_commit = off');
    },
    async insert(rows) {
      await client.query({ name: 'bench_insert', text, values: COLUMNS.map((_, column) => rows.map((row) => row[column])) });
    },
    async size() {
      await client.query('VACUUM ANALYZE verdicts');
      const result = await client.query<{ bytes: string }>(`SELECT pg_total_relation_size('verdicts') AS bytes`);
      return Number(result.rows[0]!.bytes);
    },
    async finish(keep) {
      const keepSchema = keep || existingSchema !== undefined;
      if (!keepSchema) await client.query(`DROP SCHEMA ${pg.escapeIdentifier(schema)} CASCADE`);
      await client.end();
      if (keep) return `kept schema ${schema} and ${outDir}`;
      rmSync(outDir, { recursive: true, force: true });
      return keepSchema ? `kept schema ${schema}` : undefined;
    },
  };
}

/**
 * Writes `rows` synthetic verdicts in batches. The next batch is built while the previous one
 * is written, so a database server on another core works in parallel with the generator.
 */
async function generate(backend: Backend, rows: number): Promise<number> {
  await backend.create();
  const constitution = loadConstitutions(join(root, 'constitutions')).get('default')!;
  const ref = { id: constitution.spec.id, version: constitution.spec.version, sha256: constitution.sha256 };
  const started = performance.now();
  let writing: Promise<void> = Promise.resolve();
  for (let from = 0; from < rows; from += ROWS_PER_BATCH) {
    const batch: Row[] = [];
    for (let index = from; index < Math.min(rows, from + ROWS_PER_BATCH); index += 1) batch.push(syntheticRow(index, ref));
    await writing;
    writing = backend.insert(batch);
  }
  await writing;
  return (performance.now() - started) / 1000;
}

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    format: { type: 'string', default: 'deliberation' },
    keep: { type: 'boolean', default: false },
    database: { type: 'string' },
    postgres: { type: 'string' },
    schema: { type: 'string' },
  },
});
if (values.schema && !values.postgres) throw new Error('--schema names a PostgreSQL schema, so it needs --postgres URL as well.');
const rows = Number(values.rows);
const reuse = values.postgres ? values.schema : values.database;
const backend = values.postgres ? await postgresBackend(values.postgres, values.schema) : sqliteBackend(values.database);

let note: string | undefined;
try {
  const generateSeconds = reuse ? 0 : await generate(backend, rows);
  const storeBytes = await backend.size();
  const out = join(backend.outDir, 'sft.jsonl');
  const run = spawnSync(
    '/usr/bin/time',
    ['-f', 'BENCH %M %e', process.execPath, join(root, 'bin/deliberation-guard.js'), 'harvest', '--out', out, '--include-rubric', '--format', values.format!],
    { env: { ...process.env, DATABASE_URL: backend.databaseUrl, LOG_LEVEL: 'warn' }, encoding: 'utf8' },
  );
  const measured = /BENCH (\d+) ([\d.]+)/.exec(run.stderr);
  if (run.status !== 0 || !measured) {
    process.stderr.write(run.stderr);
    process.exitCode = 1;
  } else {
    const card = JSON.parse(readFileSync(join(backend.outDir, 'sft.card.json'), 'utf8'));
    const seconds = Number(measured[2]);
    console.log(JSON.stringify({
      store: values.postgres ? 'postgres' : 'sqlite',
      rows: card.counts.scanned,
      format: values.format,
      store_mib: Math.round(storeBytes / 2 ** 20),
      generate_seconds: Math.round(generateSeconds),
      export_seconds: seconds,
      rows_per_second: Math.round(card.counts.scanned / seconds),
      peak_rss_mib: Math.round(Number(measured[1]) / 1024),
      exported: card.counts.exported,
      train: card.counts.train,
      eval: card.counts.eval,
      output_mib: Object.fromEntries(card.files.map((file: { split: string; bytes: number }) => [file.split, Math.round(file.bytes / 2 ** 20)])),
      excluded: card.excluded,
      redactions: card.redactions,
      tokens: card.tokens.total,
      clusters: card.diversity.clusters,
    }, null, 2));
  }
} finally {
  note = await backend.finish(values.keep);
}
if (note) console.log(note);
