import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConstitutions } from '../../src/constitution/loader.ts';
import type { LoadedConstitution } from '../../src/constitution/schema.ts';
import { harvestExamples, HarvestRun, type ExportedLine } from '../../src/harvest/export.ts';
import { HarvestOptionsSchema } from '../../src/harvest/options.ts';
import { SqliteVerdictStore } from '../../src/store/sqlite-store.ts';
import type { StoredVerdict } from '../../src/store/store.ts';
import { syntheticRecord } from '../../scripts/synthetic-verdicts.ts';

export const constitutions: ReadonlyMap<string, LoadedConstitution> = loadConstitutions(join(import.meta.dirname, '../../constitutions'));

const defaultConstitution = constitutions.get('default')!;
export const constitutionRef = {
  id: defaultConstitution.spec.id,
  version: defaultConstitution.spec.version,
  sha256: defaultConstitution.sha256,
};

/** Opens a fresh SQLite store in a temp folder with synthetic records 1 to `count`. */
export async function syntheticStore(count: number): Promise<{ store: SqliteVerdictStore; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'guard-harvest-'));
  const store = new SqliteVerdictStore(join(dir, 'verdicts.sqlite'));
  for (let index = 1; index <= count; index += 1) await store.append(syntheticRecord(index, constitutionRef));
  return { store, dir };
}

/** Synthetic record `index` with changes applied to a copy of it. */
export function variant(index: number, change: (record: { verdict: StoredVerdict['verdict'] & Record<string, unknown>; request: StoredVerdict['request'] }) => void): StoredVerdict {
  const record = structuredClone(syntheticRecord(index, constitutionRef));
  change(record as never);
  return record;
}

/** Runs a harvest with options as the REST query or CLI would give them; returns the lines and the card. */
export async function harvest(store: SqliteVerdictStore, options: Record<string, unknown> = {}): Promise<{ lines: ExportedLine[]; run: HarvestRun }> {
  const run = HarvestRun.start(HarvestOptionsSchema.parse(options), 'test');
  const lines: ExportedLine[] = [];
  for await (const line of harvestExamples(store, constitutions, run)) lines.push(line);
  run.summarise(true);
  return { lines, run };
}

/** Parses the JSON of exported lines. */
export function parsed(lines: readonly ExportedLine[]): Array<Record<string, any>> {
  return lines.map((line) => JSON.parse(line.text));
}
