import { z } from 'zod';
import { ReviewSchema } from '../store/review.ts';
import type { Verdict } from '../deliberation/verdict.ts';
import { countPlaceholders } from '../redaction/redactor.ts';
import { ExportFormatSchema } from './formats.ts';
import { entropyBits, type ScenarioCluster } from './scenario-clusters.ts';
import { SPLITS, type Split } from './split.ts';
import { TOKENIZER } from './tokens.ts';

/** Reasons a scanned verdict did not become an example. */
export const EXCLUSION_REASONS = [
  'training_ineligible',
  'engine',
  'constitution_version',
  'review',
  'decision',
  'incomplete_trace',
  'exact_duplicate',
  'near_duplicate',
  'other_split',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

const count = z.number().int().min(0);
const counts = z.record(z.string(), count);

/** The dataset card written next to every export, as JSON; the Markdown card is rendered from it. */
export const DatasetCardSchema = z.object({
  card_version: z.literal(1),
  complete: z.boolean().describe('False while the export runs or after it stopped early; --resume continues it'),
  generated_at: z.iso.datetime(),
  command: z.string().describe('The command or request that produced the export'),
  format: ExportFormatSchema,
  options: z.record(z.string(), z.unknown()),
  last_verdict_id: z.string().optional().describe('The last verdict the export processed, where a resume starts after'),
  files: z.array(z.object({ split: z.enum(SPLITS), path: z.string(), bytes: count, examples: count })),
  counts: z.object({ scanned: count, exported: count, train: count, eval: count }),
  excluded: z.object(Object.fromEntries(EXCLUSION_REASONS.map((reason) => [reason, count])) as Record<ExclusionReason, typeof count>),
  review: z.object({
    reviewed: count,
    agreed: count,
    corrected: count,
    disagreement_rate: z.number().min(0).max(1).describe('corrected / reviewed among the scanned verdicts'),
    corrected_exported: count,
  }),
  by_decision: counts,
  by_tool_category: counts,
  constitutions: z.array(z.object({ id: z.string(), version: z.string(), sha256: z.string(), examples: count })),
  clusters: z.array(z.object({ id: z.string(), label: z.string(), leader: z.string(), examples: count })),
  diversity: z.object({
    clusters: count,
    entropy_bits: z.number().min(0).describe('Shannon entropy of the scenario clusters'),
    max_entropy_bits: z.number().min(0).describe('log2 of the number of clusters: the entropy of an even spread'),
    largest_cluster_share: z.number().min(0).max(1),
  }),
  redactions: counts.describe('Distinct placeholders in the exported examples by kind, from storage and export redaction'),
  tokens: z.object({ tokenizer: z.string(), total: count, mean: z.number().min(0), max: count, train: count, eval: count }),
  deduplication: z.object({ method: z.string(), max_distance: count }),
});
export type DatasetCard = z.infer<typeof DatasetCardSchema>;

function increment(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

/** Accumulates the card while an export runs; its state is the card itself, so a checkpoint can restore it. */
export class CardBuilder {
  constructor(readonly card: DatasetCard) {}

  static start(format: DatasetCard['format'], options: Record<string, unknown>, command: string, maxDistance: number): CardBuilder {
    return new CardBuilder({
      card_version: 1,
      complete: false,
      generated_at: new Date().toISOString(),
      command,
      format,
      options,
      files: [],
      counts: { scanned: 0, exported: 0, train: 0, eval: 0 },
      excluded: Object.fromEntries(EXCLUSION_REASONS.map((reason) => [reason, 0])) as Record<ExclusionReason, number>,
      review: { reviewed: 0, agreed: 0, corrected: 0, disagreement_rate: 0, corrected_exported: 0 },
      by_decision: {},
      by_tool_category: {},
      constitutions: [],
      clusters: [],
      diversity: { clusters: 0, entropy_bits: 0, max_entropy_bits: 0, largest_cluster_share: 0 },
      redactions: {},
      tokens: { tokenizer: TOKENIZER, total: 0, mean: 0, max: 0, train: 0, eval: 0 },
      deduplication: { method: 'SimHash (64 bits) over word 3-shingles of the scenario, plus an exact 64-bit hash', max_distance: maxDistance },
    });
  }

  scanned(verdictId: string): void {
    this.card.counts.scanned += 1;
    this.card.last_verdict_id = verdictId;
  }

  exclude(reason: ExclusionReason): void {
    this.card.excluded[reason] += 1;
  }

  reviewed(review: z.infer<typeof ReviewSchema> | undefined): void {
    if (!review) return;
    this.card.review.reviewed += 1;
    if (review.outcome === 'agree') this.card.review.agreed += 1;
    else this.card.review.corrected += 1;
  }

  /** Counts one exported example. */
  exported(example: { verdict: Verdict; decision: string; corrected: boolean; split: Split; toolCategory: string; tokens: number; line: string }): void {
    const { card } = this;
    card.counts.exported += 1;
    card.counts[example.split] += 1;
    if (example.corrected) card.review.corrected_exported += 1;
    increment(card.by_decision, example.decision);
    increment(card.by_tool_category, example.toolCategory);
    for (const [kind, found] of countPlaceholders(example.line)) increment(card.redactions, kind, found);

    const ref = example.verdict.constitution;
    const constitution = card.constitutions.find((entry) => entry.sha256 === ref.sha256 && entry.id === ref.id);
    if (constitution) constitution.examples += 1;
    else card.constitutions.push({ ...ref, examples: 1 });

    card.tokens.total += example.tokens;
    card.tokens[example.split] += example.tokens;
    card.tokens.max = Math.max(card.tokens.max, example.tokens);
  }

  /** Fills in the derived figures from the running counts and the clusters. */
  summarise(clusters: readonly ScenarioCluster[]): DatasetCard {
    const { card } = this;
    card.clusters = clusters.map((cluster) => ({ ...cluster }));
    const sizes = clusters.map((cluster) => cluster.examples);
    const total = sizes.reduce((sum, size) => sum + size, 0);
    card.diversity = {
      clusters: clusters.length,
      entropy_bits: round(entropyBits(sizes)),
      max_entropy_bits: round(clusters.length > 0 ? Math.log2(clusters.length) : 0),
      largest_cluster_share: round(total > 0 ? Math.max(...sizes) / total : 0),
    };
    card.review.disagreement_rate = round(card.review.reviewed > 0 ? card.review.corrected / card.review.reviewed : 0);
    card.tokens.mean = round(card.counts.exported > 0 ? card.tokens.total / card.counts.exported : 0);
    card.generated_at = new Date().toISOString();
    return card;
  }
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
