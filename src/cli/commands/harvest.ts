import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/config.ts';
import type { DatasetCard } from '../../harvest/card.ts';
import { harvestExamples, HarvestRun } from '../../harvest/export.ts';
import { exportPaths, exportToFiles, prepareRun, readCheckpoint, ResumeError, writeCard } from '../../harvest/file-export.ts';
import { HarvestOptionsSchema } from '../../harvest/options.ts';
import { ProgressLine } from '../../harvest/progress.ts';
import { createCore } from '../../core.ts';
import { EXIT, UsageError, type CommandIo } from '../io.ts';

export const HARVEST_HELP = `Usage: deliberation-guard harvest --out FILE [options]

Writes curated, redacted training examples from DATABASE_URL as JSON Lines, oldest verdict
first, with a dataset card beside them. --out data/sft.jsonl writes data/sft.train.jsonl,
data/sft.eval.jsonl, data/sft.card.json and data/sft.card.md.

Only traces written by an LLM engine (claude, openai-compatible) are exported by default.
With only the rubric engine in use, the export is empty unless --include-rubric is given.
Verdicts whose request set training_opt_out, and verdicts a fail mode decided, are never exported.

Output:
  --out FILE                    base name of the files; - writes all lines to standard output
  --format F                    deliberation (default), anthropic or openai
  --card FILE                   with --out -, where to write the card (JSON; Markdown beside it)
  --resume                      continue an interrupted export from its card, with the card's options
  --split S                     write only train or eval
  --eval-percent N              share of scenarios in the eval split, 0 to 100 (default 10)

Filters:
  --decision D                  allow, deny or escalate, after reviewer corrections
  --constitution ID             one constitution id
  --constitution-version V      one constitution version
  --engine E                    only verdicts this engine decided: rubric, claude or openai-compatible
  --include-rubric              also export traces the rubric engine wrote
  --reviewed                    only reviewed verdicts
  --agreed                      only verdicts a reviewer agreed with
  --tool NAME                   one tool name
  --since TIME                  ISO 8601 time, inclusive
  --until TIME                  ISO 8601 time, exclusive

Quality:
  --near-duplicate-distance N   SimHash bits (of 64) within which scenarios are near duplicates, 0 to 7 (default 3)
  --max-clusters N              most scenario clusters the card tracks (default 256)

Progress goes to standard error when it is a terminal.
`;

/** Command-line flags and the option names they set. */
const FLAG_OPTIONS = {
  format: 'format',
  split: 'split',
  'eval-percent': 'eval_percent',
  decision: 'decision',
  constitution: 'constitution',
  'constitution-version': 'constitution_version',
  engine: 'engine',
  tool: 'tool',
  since: 'since',
  until: 'until',
  'near-duplicate-distance': 'near_duplicate_distance',
  'max-clusters': 'max_clusters',
} as const;
const SWITCH_OPTIONS = { 'include-rubric': 'include_rubric', reviewed: 'reviewed', agreed: 'agreed' } as const;

function parseHarvestArgs(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      out: { type: 'string' },
      card: { type: 'string' },
      resume: { type: 'boolean' },
      ...Object.fromEntries(Object.keys(FLAG_OPTIONS).map((flag) => [flag, { type: 'string' as const }])),
      ...Object.fromEntries(Object.keys(SWITCH_OPTIONS).map((flag) => [flag, { type: 'boolean' as const }])),
    },
  });
  const given = values as Record<string, string | boolean | undefined>;
  const options: Record<string, unknown> = {};
  for (const [flag, name] of Object.entries({ ...FLAG_OPTIONS, ...SWITCH_OPTIONS })) {
    if (given[flag] !== undefined) options[name] = given[flag];
  }
  const parsed = HarvestOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const flagOf = (name: string) => Object.entries({ ...FLAG_OPTIONS, ...SWITCH_OPTIONS }).find(([, option]) => option === name)?.[0] ?? name;
    throw new UsageError(parsed.error.issues.map((issue) => `--${flagOf(String(issue.path[0]))}: ${issue.message}`).join('; '));
  }
  return { out: values.out as string | undefined, card: values.card as string | undefined, resume: values.resume === true, options };
}

/** Writes every line to standard output, waiting for it to drain, which is the back-pressure. */
async function exportToStdout(run: HarvestRun, io: CommandIo, core: Awaited<ReturnType<typeof createCore>>): Promise<DatasetCard> {
  const progress = new ProgressLine(io.stderr);
  for await (const line of harvestExamples(core.store, core.deliberator.constitutions, run)) {
    if (!io.stdout.write(line.text)) await once(io.stdout, 'drain');
    progress.update(run.card.card.counts.scanned, run.card.card.counts.exported);
  }
  progress.finish(run.card.card.counts.scanned, run.card.card.counts.exported);
  return run.summarise(true);
}

/** Explains an empty export, because an empty file alone does not say which filter emptied it. */
function emptyExportHint(card: DatasetCard): string {
  if (card.counts.scanned === 0) return 'no verdict in the store matched the filters';
  if (card.excluded.engine > 0 && card.options.include_rubric !== true) {
    return `${card.excluded.engine} verdicts were decided by the rubric engine, whose traces are left out unless --include-rubric is given`;
  }
  const reasons = Object.entries(card.excluded).filter(([, count]) => count > 0);
  return `every scanned verdict was left out (${reasons.map(([reason, count]) => `${reason}: ${count}`).join(', ')})`;
}

function report(card: DatasetCard, where: string, io: CommandIo): void {
  const { counts, tokens } = card;
  io.stderr.write(
    `wrote ${counts.exported} training examples (${counts.train} train, ${counts.eval} eval, ${tokens.total} tokens) to ${where}\n`,
  );
  if (counts.exported === 0) io.stderr.write(`0 examples: ${emptyExportHint(card)}\n`);
}

export async function runHarvestCommand(argv: string[], io: CommandIo): Promise<number> {
  const { out, card: cardPath, resume, options } = parseHarvestArgs(argv);
  if (!out) throw new UsageError('harvest needs --out FILE (or --out - for standard output)');
  if (resume && out === '-') throw new UsageError('--resume needs --out FILE; standard output cannot be resumed');
  const command = ['deliberation-guard', 'harvest', ...argv].map((part) => (/[\s"'$]/.test(part) ? JSON.stringify(part) : part)).join(' ');

  const paths = exportPaths(out);
  let checkpoint: DatasetCard | undefined;
  try {
    checkpoint = resume ? readCheckpoint(paths) : undefined;
  } catch (error) {
    if (error instanceof ResumeError) throw new UsageError(error.message);
    throw error;
  }
  if (resume && !checkpoint) {
    io.stderr.write(`the export in ${paths.cardJson} is complete; nothing to resume\n`);
    return EXIT.ok;
  }

  const core = await createCore(loadConfig(io.env));
  try {
    const run = await prepareRun(checkpoint ? { resume: checkpoint } : { options, command });
    if (out === '-') {
      const card = await exportToStdout(run, io, core);
      if (cardPath) writeCard({ cardJson: cardPath, cardMarkdown: cardPath.replace(/(?:\.json)?$/, '.md') }, card);
      report(card, 'standard output', io);
      return EXIT.ok;
    }
    const card = await exportToFiles(run, {
      store: core.store,
      constitutions: core.deliberator.constitutions,
      paths,
      progress: new ProgressLine(io.stderr),
    });
    report(card, `${card.files.map((file) => file.path).join(' and ')}; card in ${paths.cardJson}`, io);
    return EXIT.ok;
  } finally {
    await core.store.close();
  }
}
