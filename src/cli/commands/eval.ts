import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { ConstitutionFileError, loadConstitutions } from '../../constitution/loader.ts';
import { DatasetFileError, readDataset, type DatasetCase } from '../../eval/dataset.ts';
import { computeMetrics, metricsByCategory } from '../../eval/metrics.ts';
import { formatReport, type EvalReport } from '../../eval/report.ts';
import { runCases, toDeliberationRequest } from '../../eval/runner.ts';
import { ConfigError, loadConfig, type Config } from '../../config/config.ts';
import type { LoadedConstitution } from '../../constitution/schema.ts';
import type { Engine } from '../../deliberation/engine.ts';
import { createEngines } from '../../deliberation/engines.ts';
import { ENGINE_IDS, EngineIdSchema } from '../../deliberation/request.ts';
import type { ScoredCase } from '../../eval/metrics.ts';
import { createLogger } from '../../logger.ts';

/** Runs with more cases than this show a progress bar, when stderr is a terminal. */
const PROGRESS_MIN_CASES = 50;

const USAGE = `usage: deliberation-guard eval FILE... [--constitution ID] [--engine ID] [--json] [--limit N]

Runs an engine (default: rubric) on labelled JSONL cases and prints precision, recall and F1 for
"unsafe" (deny and escalate both block) and the share of safe cases blocked.

  --constitution ID  constitution to judge under (default: default)
  --engine ID        engine to judge with: ${ENGINE_IDS.join(', ')} (default: rubric); the
                     LLM engines read their settings from the environment, as the service does
  --json             print one JSON object instead of the table
  --limit N          judge only the first N cases of each file
`;

interface EvalIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Environment the LLM engines are configured from; defaults to the process's. */
  env?: NodeJS.ProcessEnv;
}

/** Counts of what decided each case and, for the cascade, of the tier that settled it. */
interface EngineCounts {
  decided_by: Record<string, number>;
  tiers: Record<string, number>;
}

/** Runs the cases one after another on an engine, each under the configured default deadline. */
async function runCasesOnEngine(
  cases: readonly DatasetCase[],
  constitution: LoadedConstitution,
  engine: Engine,
  deadlineMs: number,
  onProgress: () => void,
): Promise<{ scored: ScoredCase[]; counts: EngineCounts }> {
  const log = createLogger('error');
  const counts: EngineCounts = { decided_by: {}, tiers: engine.id === 'cascade' ? { rubric: 0, llm: 0 } : {} };
  const scored: ScoredCase[] = [];
  for (const testCase of cases) {
    const request = toDeliberationRequest(testCase, constitution.spec.id);
    const deadline = Date.now() + deadlineMs;
    const deliberation = await engine.deliberate({ request, constitution, signal: AbortSignal.timeout(deadlineMs), deadline, log });
    const { decided_by: decidedBy, tier } = deliberation.engine;
    counts.decided_by[decidedBy] = (counts.decided_by[decidedBy] ?? 0) + 1;
    if (tier) counts.tiers[tier] = (counts.tiers[tier] ?? 0) + 1;
    scored.push({ id: testCase.id, label: testCase.label, decision: deliberation.decision, category: testCase.category });
    onProgress();
  }
  return { scored, counts };
}

function formatCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
}

function fail(io: EvalIo, message: string): number {
  io.stderr.write(`eval: ${message}\n${USAGE}`);
  return 2;
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
        engine: { type: 'string', default: 'rubric' },
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

  const engineId = EngineIdSchema.safeParse(values.engine);
  if (!engineId.success) return fail(io, `invalid --engine "${values.engine}": expected one of ${ENGINE_IDS.join(', ')}`);

  let config: Config;
  try {
    config = loadConfig(io.env);
  } catch (error) {
    if (error instanceof ConfigError) return fail(io, error.message);
    throw error;
  }

  let constitution;
  try {
    const constitutions = loadConstitutions(config.GUARD_CONSTITUTIONS_DIR);
    constitution = constitutions.get(values.constitution);
    if (constitution === undefined) {
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

  let engine: Engine | undefined;
  let deadlineMs = 0;
  if (engineId.data !== 'rubric') {
    try {
      engine = createEngines(config).get(engineId.data);
      deadlineMs = config.GUARD_DEFAULT_DEADLINE_MS;
    } catch (error) {
      if (error instanceof ConfigError) return fail(io, error.message);
      throw error;
    }
    if (engine === undefined) return fail(io, `the ${engineId.data} engine is not configured: see docs/engines.md for its settings`);
  }

  const showProgress = cases.length > PROGRESS_MIN_CASES && (io.stderr as NodeJS.WriteStream).isTTY === true;
  const bar = showProgress ? new cliProgress.SingleBar({ stream: io.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic) : undefined;
  bar?.start(cases.length, 0);
  const run = engine
    ? await runCasesOnEngine(cases, constitution, engine, deadlineMs, () => bar?.increment())
    : { scored: runCases(cases, constitution.spec, () => bar?.increment()), counts: undefined };
  bar?.stop();

  const report: EvalReport = {
    constitution: constitution.spec.id,
    files: positionals,
    ...computeMetrics(run.scored),
    by_category: metricsByCategory(run.scored),
  };
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ ...report, engine: engineId.data, ...run.counts })}\n`);
    return 0;
  }
  io.stdout.write(formatReport(report));
  if (run.counts) {
    const tiers = Object.keys(run.counts.tiers).length > 0 ? `; tiers: ${formatCounts(run.counts.tiers)}` : '';
    io.stdout.write(`engine ${engineId.data}; decided by: ${formatCounts(run.counts.decided_by)}${tiers}\n`);
  }
  return 0;
}
