import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { ConstitutionFileError, loadConstitutions } from '../../constitution/loader.ts';
import { DatasetFileError, readDataset, type DatasetCase } from '../../eval/dataset.ts';
import { computeMetrics, metricsByCategory } from '../../eval/metrics.ts';
import { formatReport, type EvalReport } from '../../eval/report.ts';
import { runCases } from '../../eval/runner.ts';

/** Runs with more cases than this show a progress bar, when stderr is a terminal. */
const PROGRESS_MIN_CASES = 50;

const USAGE = `usage: deliberation-guard eval FILE... [--constitution ID] [--json] [--limit N]

Runs the rubric engine on labelled JSONL cases and prints precision, recall and F1 for
"unsafe" (deny and escalate both block) and the share of safe cases blocked.

  --constitution ID  constitution to judge under (default: default)
  --json             print one JSON object instead of the table
  --limit N          judge only the first N cases of each file
`;

interface EvalIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

function fail(io: EvalIo, message: string): number {
  io.stderr.write(`eval: ${message}\n${USAGE}`);
  return 2;
}

/** Reads the constitutions folder from GUARD_CONSTITUTIONS_DIR, as the service does. */
function constitutionsDir(): string {
  return process.env.GUARD_CONSTITUTIONS_DIR ?? './constitutions';
}

/**
 * Runs the eval command. Returns the exit code: 0 on success, 2 for invalid options, unreadable
 * files or an unknown constitution.
 */
export async function runEvalCommand(argv: string[], io: EvalIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        constitution: { type: 'string', default: 'default' },
        json: { type: 'boolean', default: false },
        limit: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return fail(io, (error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length === 0) return fail(io, 'missing FILE: name at least one dataset file (JSON Lines)');

  let limit: number | undefined;
  if (values.limit !== undefined) {
    limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) return fail(io, `invalid --limit "${values.limit}": expected a whole number of cases, 1 or more`);
  }

  let spec;
  try {
    const constitutions = loadConstitutions(constitutionsDir());
    spec = constitutions.get(values.constitution)?.spec;
    if (spec === undefined) {
      return fail(io, `constitution "${values.constitution}" not found; known: ${[...constitutions.keys()].join(', ')}`);
    }
  } catch (error) {
    if (error instanceof ConstitutionFileError) return fail(io, error.message);
    throw error;
  }

  const cases: DatasetCase[] = [];
  for (const file of positionals) {
    try {
      const fileCases = readDataset(file);
      cases.push(...(limit === undefined ? fileCases : fileCases.slice(0, limit)));
    } catch (error) {
      if (error instanceof DatasetFileError) return fail(io, error.message);
      throw error;
    }
  }

  const showProgress = cases.length > PROGRESS_MIN_CASES && (io.stderr as NodeJS.WriteStream).isTTY === true;
  const bar = showProgress ? new cliProgress.SingleBar({ stream: io.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic) : undefined;
  bar?.start(cases.length, 0);
  const scored = runCases(cases, spec, () => bar?.increment());
  bar?.stop();

  const report: EvalReport = {
    constitution: spec.id,
    files: positionals,
    ...computeMetrics(scored),
    by_category: metricsByCategory(scored),
  };
  io.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatReport(report));
  return 0;
}
