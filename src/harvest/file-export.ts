import { createReadStream, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { LoadedConstitution } from '../constitution/schema.ts';
import type { VerdictStore } from '../store/store.ts';
import { CardBuilder, DatasetCardSchema, type DatasetCard } from './card.ts';
import { renderCardMarkdown } from './card-markdown.ts';
import { harvestExamples, HarvestRun } from './export.ts';
import { scenarioOfLine } from './formats.ts';
import { LineFile } from './line-file.ts';
import { HarvestOptionsSchema } from './options.ts';
import type { ProgressLine } from './progress.ts';
import { words } from './simhash.ts';
import { SPLITS, type Split } from './split.ts';

/** Verdicts scanned between two checkpoints of the card. */
const CHECKPOINT_EVERY = 10_000;

/** Output paths of an export: one JSONL file per split and the card beside them. */
export interface ExportPaths {
  readonly splits: Record<Split, string>;
  readonly cardJson: string;
  readonly cardMarkdown: string;
}

/** Derives the file names from --out: `data/sft.jsonl` gives data/sft.train.jsonl, data/sft.eval.jsonl, data/sft.card.json and data/sft.card.md. */
export function exportPaths(out: string): ExportPaths {
  const base = out.replace(/\.(?:jsonl|ndjson|json)$/, '');
  return {
    splits: { train: `${base}.train.jsonl`, eval: `${base}.eval.jsonl` },
    cardJson: `${base}.card.json`,
    cardMarkdown: `${base}.card.md`,
  };
}

/** Writes the card as JSON and Markdown; the JSON file is replaced atomically, so a crash leaves the last checkpoint. */
export function writeCard(paths: Pick<ExportPaths, 'cardJson' | 'cardMarkdown'>, card: DatasetCard): void {
  writeFileSync(`${paths.cardJson}.tmp`, `${JSON.stringify(card, null, 2)}\n`);
  renameSync(`${paths.cardJson}.tmp`, paths.cardJson);
  writeFileSync(paths.cardMarkdown, renderCardMarkdown(card));
}

/** Raised when --resume finds no card to continue from, or a card that does not fit the files. */
export class ResumeError extends Error {
  override name = 'ResumeError';
}

/**
 * Restores an interrupted export from its card: the options, the counts, the clusters and the
 * last verdict id. Returns undefined when the card marks the export complete.
 */
export function readCheckpoint(paths: ExportPaths): DatasetCard | undefined {
  if (!existsSync(paths.cardJson)) throw new ResumeError(`cannot resume: ${paths.cardJson} does not exist; run the export without --resume`);
  const card = DatasetCardSchema.parse(JSON.parse(readFileSync(paths.cardJson, 'utf8')));
  if (card.complete) return undefined;
  for (const file of card.files) {
    const size = existsSync(file.path) ? statSync(file.path).size : -1;
    if (size < file.bytes) throw new ResumeError(`cannot resume: ${file.path} is shorter than the ${file.bytes} bytes the card recorded`);
  }
  return card;
}

/** Feeds the scenarios already written (up to the checkpoint) into the duplicate index. */
async function rebuildDuplicateIndex(run: HarvestRun, card: DatasetCard): Promise<void> {
  for (const file of card.files) {
    if (file.bytes === 0) continue;
    const lines = createInterface({ input: createReadStream(file.path, { end: file.bytes - 1 }), crlfDelay: Infinity });
    for await (const line of lines) if (line.length > 0) run.index.classify(words(scenarioOfLine(card.format, line)));
  }
}

export interface FileExportOptions {
  readonly store: VerdictStore;
  readonly constitutions: ReadonlyMap<string, LoadedConstitution>;
  readonly paths: ExportPaths;
  readonly progress: ProgressLine;
  /** Verdicts scanned between two checkpoints of the card; default CHECKPOINT_EVERY. */
  readonly checkpointEvery?: number;
}

/** Prepares a run: fresh from options, or resumed from the checkpoint card. */
export async function prepareRun(fresh: { options: unknown; command: string } | { resume: DatasetCard }): Promise<HarvestRun> {
  if ('options' in fresh) return HarvestRun.start(HarvestOptionsSchema.parse(fresh.options), fresh.command);
  const options = HarvestOptionsSchema.parse(fresh.resume.options);
  const run = new HarvestRun(options, new CardBuilder(fresh.resume));
  await rebuildDuplicateIndex(run, fresh.resume);
  return run;
}

/**
 * Writes the examples of a run to one file per split, checkpointing the card every
 * CHECKPOINT_EVERY scanned verdicts after the files are flushed, and writes the final card.
 */
export async function exportToFiles(run: HarvestRun, options: FileExportOptions): Promise<DatasetCard> {
  const { store, constitutions, paths, progress, checkpointEvery = CHECKPOINT_EVERY } = options;
  const card = run.card.card;
  const splits = run.options.split ? [run.options.split] : [...SPLITS];
  const files = new Map<Split, LineFile>();
  for (const split of splits) {
    const previous = card.files.find((file) => file.split === split);
    files.set(split, await LineFile.open(paths.splits[split], previous?.bytes ?? 0, previous?.examples ?? 0));
  }

  const checkpoint = async (complete: boolean): Promise<DatasetCard> => {
    for (const file of files.values()) await file.flush();
    card.files = [...files].map(([split, file]) => ({ split, path: file.path, bytes: file.bytes, examples: file.examples }));
    const summary = run.summarise(complete);
    writeCard(paths, summary);
    return summary;
  };

  let nextCheckpoint = card.counts.scanned + checkpointEvery;
  try {
    for await (const line of harvestExamples(store, constitutions, run)) {
      await files.get(line.split)?.write(line.text);
      progress.update(card.counts.scanned, card.counts.exported);
      if (card.counts.scanned >= nextCheckpoint) {
        await checkpoint(false);
        nextCheckpoint = card.counts.scanned + checkpointEvery;
      }
    }
    return await checkpoint(true);
  } finally {
    progress.finish(card.counts.scanned, card.counts.exported);
    for (const file of files.values()) await file.close();
  }
}
