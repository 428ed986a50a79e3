import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPaths, exportToFiles, prepareRun, readCheckpoint } from '../../src/harvest/file-export.ts';
import { ProgressLine } from '../../src/harvest/progress.ts';
import { SqliteVerdictStore } from '../../src/store/sqlite-store.ts';
import { StoreUnavailableError } from '../../src/store/store.ts';
import { constitutions, syntheticStore } from './helpers.ts';

/** More records than one store page (500), so that the export reads a second page after the store closes. */
const RECORDS = 650;
const OPTIONS = { format: 'openai', include_rubric: true, eval_percent: 20 };

/** Progress on a terminal that closes the store once `stopAt` verdicts were scanned: the export then fails on the next page, as after a crash of the database. */
class ClosingProgress extends ProgressLine {
  constructor(
    private readonly store: SqliteVerdictStore,
    private readonly stopAt: number,
  ) {
    super(Object.assign(new Writable({ write: (_chunk, _encoding, callback) => callback() }), { isTTY: true }));
  }

  override update(scanned: number, exported: number, force = false): void {
    super.update(scanned, exported, force);
    if (scanned >= this.stopAt) void this.store.close();
  }
}

let dir: string;
let databaseFile: string;

beforeAll(async () => {
  const created = await syntheticStore(RECORDS);
  dir = created.dir;
  databaseFile = join(dir, 'verdicts.sqlite');
  await created.store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function exportWith(out: string, progress: (store: SqliteVerdictStore) => ProgressLine, resume: boolean) {
  const store = new SqliteVerdictStore(databaseFile);
  const paths = exportPaths(out);
  const checkpoint = resume ? readCheckpoint(paths) : undefined;
  const run = await prepareRun(checkpoint ? { resume: checkpoint } : { options: OPTIONS, command: 'test' });
  try {
    return await exportToFiles(run, { store, constitutions, paths, progress: progress(store), checkpointEvery: 100 });
  } finally {
    await store.close();
  }
}

describe('harvest resume', () => {
  it('continues an interrupted export to the same files as an uninterrupted one', async () => {
    const quiet = () => new ProgressLine(new Writable({ write: (_chunk, _encoding, callback) => callback() }));
    const whole = await exportWith(join(dir, 'whole.jsonl'), quiet, false);

    const out = join(dir, 'resumed.jsonl');
    await expect(exportWith(out, (store) => new ClosingProgress(store, 300), false)).rejects.toBeInstanceOf(StoreUnavailableError);
    const interrupted = readCheckpoint(exportPaths(out));
    expect(interrupted?.complete).toBe(false);
    expect(interrupted?.counts.scanned).toBeGreaterThanOrEqual(300);
    expect(interrupted?.counts.scanned).toBeLessThan(RECORDS);

    const resumed = await exportWith(out, quiet, true);
    expect(resumed.complete).toBe(true);
    expect(resumed.counts).toEqual(whole.counts);
    expect(resumed.excluded).toEqual(whole.excluded);
    expect(resumed.clusters).toEqual(whole.clusters);
    for (const split of ['train', 'eval'] as const) {
      expect(readFileSync(exportPaths(out).splits[split], 'utf8')).toBe(readFileSync(exportPaths(join(dir, 'whole.jsonl')).splits[split], 'utf8'));
    }
  });
});
