/**
 * Benchmarks `harvest` on synthetic verdicts in SQLite: generates the rows in a temp folder,
 * then runs the real CLI under /usr/bin/time and reports rows per second and peak RSS.
 *
 *   node --import tsx scripts/bench-harvest.ts --rows 1000000 [--format deliberation] [--keep]
 *
 * --keep leaves the temp folder in place; --database FILE exports from a kept file instead of
 * generating one.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { loadConstitutions } from '../src/constitution/loader.ts';
import { SqliteVerdictStore } from '../src/store/sqlite-store.ts';
import { syntheticRecord } from './synthetic-verdicts.ts';

const ROWS_PER_TRANSACTION = 10_000;
const root = join(import.meta.dirname, '..');

/** Writes `rows` synthetic verdicts in large transactions; the store's own append syncs every row, which would take hours. */
async function generate(file: string, rows: number): Promise<number> {
  await new SqliteVerdictStore(file).close(); // creates the schema through the store's migrations
  const constitution = loadConstitutions(join(root, 'constitutions')).get('default')!;
  const ref = { id: constitution.spec.id, version: constitution.spec.version, sha256: constitution.sha256 };
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    `INSERT INTO verdicts (id, created_at, decision, constitution_id, constitution_version, engine, decided_by, tool, risk, training_eligible, verdict, request)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertBatch = db.transaction((from: number, to: number) => {
    for (let index = from; index < to; index += 1) {
      const { verdict, request } = syntheticRecord(index, ref);
      insert.run(verdict.id, verdict.created_at, verdict.decision, ref.id, ref.version, verdict.engine.id, verdict.engine.decided_by,
        request.action.tool, verdict.risk, verdict.training.eligible ? 1 : 0, JSON.stringify(verdict), JSON.stringify(request));
    }
  });
  const started = performance.now();
  for (let from = 0; from < rows; from += ROWS_PER_TRANSACTION) insertBatch(from, Math.min(rows, from + ROWS_PER_TRANSACTION));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return (performance.now() - started) / 1000;
}

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    format: { type: 'string', default: 'deliberation' },
    keep: { type: 'boolean', default: false },
    database: { type: 'string' },
  },
});
const rows = Number(values.rows);
const dir = values.database ? dirname(values.database) : mkdtempSync(join(tmpdir(), 'guard-bench-harvest-'));
const database = values.database ?? join(dir, 'verdicts.sqlite');

const generateSeconds = values.database ? 0 : await generate(database, rows);
const out = join(dir, 'sft.jsonl');
const run = spawnSync(
  '/usr/bin/time',
  ['-f', 'BENCH %M %e', process.execPath, join(root, 'bin/deliberation-guard.js'), 'harvest', '--out', out, '--include-rubric', '--format', values.format!],
  { env: { ...process.env, DATABASE_URL: `sqlite:${database}`, LOG_LEVEL: 'warn' }, encoding: 'utf8' },
);
const measured = /BENCH (\d+) ([\d.]+)/.exec(run.stderr);
if (run.status !== 0 || !measured) {
  process.stderr.write(run.stderr);
  process.exit(1);
}
const card = JSON.parse(readFileSync(join(dir, 'sft.card.json'), 'utf8'));
const seconds = Number(measured[2]);
console.log(JSON.stringify({
  rows,
  format: values.format,
  generate_seconds: Math.round(generateSeconds),
  export_seconds: seconds,
  rows_per_second: Math.round(rows / seconds),
  peak_rss_mib: Math.round(Number(measured[1]) / 1024),
  exported: card.counts.exported,
  excluded: card.excluded,
  tokens: card.tokens.total,
  clusters: card.diversity.clusters,
}, null, 2));
if (!values.keep && !values.database) rmSync(dir, { recursive: true, force: true });
else console.log(`kept ${dir}`);
