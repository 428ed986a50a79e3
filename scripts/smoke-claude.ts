// Deliberates a few dev-set cases with the real Anthropic API and prints each verdict with its
// tokens and an estimated cost. For a user with a key; the test suite never runs it.
//
//   ANTHROPIC_API_KEY=... npm run smoke:claude [-- FILE] [--limit 5] [--deadline-ms 60000]
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.ts';
import { loadConstitutions } from '../src/constitution/loader.ts';
import { createEngines } from '../src/deliberation/engines.ts';
import type { TokenUsage } from '../src/deliberation/llm/judge-client.ts';
import { readDataset } from '../src/eval/dataset.ts';
import { toDeliberationRequest } from '../src/eval/runner.ts';
import { createLogger } from '../src/logger.ts';

const DEFAULT_FILE = 'test/fixtures/datasets/rjudge-sample.jsonl';

/**
 * List prices in US dollars per million tokens, from the Anthropic model pages as of December
 * 2026 (cache writes at the 5-minute rate). Check current prices before relying on the total.
 */
const PRICES: Record<string, { input: number; output: number; cache_read: number; cache_write: number }> = {
  'claude-sonnet-5': { input: 2, output: 10, cache_read: 0.2, cache_write: 2.5 },
  'claude-sonnet-4-6': { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75 },
  'claude-haiku-4-5': { input: 1, output: 5, cache_read: 0.1, cache_write: 1.25 },
};

/** Estimated cost in US dollars, or undefined for a model without a listed price. */
function costOf(model: string, tokens: TokenUsage): number | undefined {
  const price = PRICES[model];
  if (!price) return undefined;
  const dollars =
    tokens.input * price.input + tokens.output * price.output + tokens.cache_read * price.cache_read + tokens.cache_write * price.cache_write;
  return dollars / 1_000_000;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { limit: { type: 'string', default: '5' }, 'deadline-ms': { type: 'string', default: '60000' } },
});
const config = loadConfig();
if (!config.ANTHROPIC_API_KEY) {
  process.stderr.write(
    'smoke:claude: ANTHROPIC_API_KEY is not set. This script calls the real Anthropic API (a few cents per run); ' +
      'set the key and run it again. The test suite needs no key: it uses a local mock.\n',
  );
  process.exit(1);
}

const engine = createEngines(config).get('claude');
const constitution = loadConstitutions(config.GUARD_CONSTITUTIONS_DIR).get('default');
if (!engine || !constitution) throw new Error('the claude engine or the default constitution is missing');
const file = positionals[0] ?? DEFAULT_FILE;
const cases = readDataset(file).slice(0, Number(values.limit));
const deadlineMs = Number(values['deadline-ms']);
const log = createLogger('warn', process.stderr);

process.stdout.write(`model ${config.GUARD_CLAUDE_MODEL}; ${cases.length} cases from ${file}; deadline ${deadlineMs} ms\n\n`);
let totalCost = 0;
let failed = 0;
for (const testCase of cases) {
  const request = toDeliberationRequest(testCase, 'default');
  const deliberation = await engine.deliberate({
    request,
    constitution,
    signal: AbortSignal.timeout(deadlineMs),
    deadline: Date.now() + deadlineMs,
    log,
  });
  const { engine: report } = deliberation;
  const tokens = report.tokens ?? { input: 0, output: 0, cache_read: 0, cache_write: 0 };
  const cost = costOf(report.model ?? config.GUARD_CLAUDE_MODEL, tokens);
  totalCost += cost ?? 0;
  if (report.fail_mode) failed += 1;

  process.stdout.write(
    [
      `${testCase.id} (label ${testCase.label}): ${deliberation.decision}, risk ${deliberation.risk}, decided by ${report.decided_by}` +
        (report.fail_mode ? ` (${report.fail_mode.reason}: ${report.fail_mode.detail})` : ''),
      `  tokens: input ${tokens.input}, output ${tokens.output}, cache read ${tokens.cache_read}, cache write ${tokens.cache_write}; ` +
        `${Math.round(report.latency_ms)} ms; ${cost === undefined ? 'no price listed for this model' : `about $${cost.toFixed(4)}`}`,
      ...deliberation.trace.map((step) => `  ${step.step}: ${step.text}`),
      '',
    ].join('\n'),
  );
}

process.stdout.write(`estimated total: $${totalCost.toFixed(4)}; ${failed} of ${cases.length} decided by the fail mode\n`);
process.exitCode = failed > 0 ? 1 : 0;
