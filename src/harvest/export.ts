import type { LoadedConstitution } from '../constitution/schema.ts';
import { redactStoredVerdict } from '../redaction/record.ts';
import type { StoredVerdict, VerdictStore } from '../store/store.ts';
import { CardBuilder, type DatasetCard, type ExclusionReason } from './card.ts';
import { DuplicateIndex } from './duplicate-index.ts';
import { formatLine } from './formats.ts';
import { exportedEngines, storeFilter, type HarvestOptions } from './options.ts';
import { hasTrace, missingFactors } from './quality.ts';
import { ScenarioClusters } from './scenario-clusters.ts';
import { words } from './simhash.ts';
import { splitOf, type Split } from './split.ts';
import { TokenCounter } from './tokens.ts';
import { toolCategory } from './tool-category.ts';
import { toTrainingExample, type TrainingExample } from './training-example.ts';

/** One exported line and the split it belongs to. */
export interface ExportedLine {
  readonly verdictId: string;
  readonly split: Split;
  readonly text: string;
}

/**
 * The state of one export: the card being built, the duplicate index and the clusters. A
 * resumed export restores it from the checkpoint card and the lines already written.
 */
export class HarvestRun {
  readonly index: DuplicateIndex;
  readonly clusters: ScenarioClusters;
  readonly tokens = new TokenCounter();

  constructor(
    readonly options: HarvestOptions,
    readonly card: CardBuilder,
  ) {
    this.index = new DuplicateIndex(options.near_duplicate_distance);
    this.clusters = new ScenarioClusters(card.card.clusters, options.max_clusters);
  }

  static start(options: HarvestOptions, command: string): HarvestRun {
    return new HarvestRun(options, CardBuilder.start(options.format, { ...options }, command, options.near_duplicate_distance));
  }

  /** Finishes the card: derived figures, and `complete` when the scan reached the end. */
  summarise(complete: boolean): DatasetCard {
    const card = this.card.summarise(this.clusters.clusters);
    card.complete = complete;
    return card;
  }
}

/** Returns why a record is left out before it is redacted and rendered, or undefined when it passes. */
function selectionExclusion(record: StoredVerdict, options: HarvestOptions, engines: ReadonlySet<string>): ExclusionReason | undefined {
  const { verdict, review } = record;
  if (!verdict.training.eligible) return 'training_ineligible';
  if (!engines.has(verdict.engine.decided_by)) return 'engine';
  if (options.constitution_version !== undefined && verdict.constitution.version !== options.constitution_version) {
    return 'constitution_version';
  }
  if (options.agreed && review?.outcome !== 'agree') return 'review';
  return undefined;
}

/** Returns why a rendered example is left out, or undefined when it passes the quality gates. */
function exampleExclusion(example: TrainingExample, scenarioWords: readonly string[], run: HarvestRun): ExclusionReason | undefined {
  const { verdict } = example.record;
  if (run.options.decision !== undefined && example.decision !== run.options.decision) return 'decision';
  if (missingFactors(verdict).length > 0 || !hasTrace(verdict)) return 'incomplete_trace';
  const duplicate = run.index.classify(scenarioWords);
  if (duplicate === 'exact') return 'exact_duplicate';
  if (duplicate === 'near') return 'near_duplicate';
  return undefined;
}

/**
 * Streams curated training examples, oldest verdict first, one store page at a time, so memory
 * stays flat apart from the duplicate index. Every record is redacted here whatever the storage
 * setting was. Opted-out and fail-mode verdicts are never exported.
 */
export async function* harvestExamples(
  store: VerdictStore,
  constitutions: ReadonlyMap<string, LoadedConstitution>,
  run: HarvestRun,
): AsyncGenerator<ExportedLine> {
  const { options, card } = run;
  const engines = exportedEngines(options);
  const after = card.card.last_verdict_id;

  for await (const stored of store.scan(storeFilter(options), after ? { after } : {})) {
    // A store that ignores `after` still resumes correctly, only slower.
    if (after !== undefined && stored.verdict.id <= after) continue;
    card.scanned(stored.verdict.id);
    card.reviewed(stored.review);

    const selection = selectionExclusion(stored, options, engines);
    if (selection) {
      card.exclude(selection);
      continue;
    }

    const record = redactStoredVerdict(stored);
    const example = toTrainingExample(record, constitutions.get(record.verdict.constitution.id));
    const scenarioWords = words(example.scenario);
    const split = splitOf(scenarioWords, options.eval_percent);
    const exclusion = exampleExclusion(example, scenarioWords, run) ?? (options.split && split !== options.split ? 'other_split' : undefined);
    if (exclusion) {
      card.exclude(exclusion);
      continue;
    }

    const category = toolCategory(record.request.action.tool);
    const annotations = {
      split,
      toolCategory: category,
      cluster: run.clusters.assign(scenarioWords, clusterLabel(category, record)),
      tokens: run.tokens.count(example.system, example.scenario, example.deliberation),
    };
    const text = formatLine(options.format, example, annotations);
    card.exported({ verdict: record.verdict, decision: example.decision, corrected: example.corrected, line: text, ...annotations });
    yield { verdictId: record.verdict.id, split, text };
  }
}

/** Labels a new cluster by tool category and the start of the (redacted) user request. */
function clusterLabel(category: string, record: StoredVerdict): string {
  const request = record.request.context.user_request.replace(/\s+/g, ' ').trim();
  const start = request.length > 60 ? `${request.slice(0, 59)}…` : request || record.request.action.tool;
  return `${category}: ${start}`;
}
