import { z } from 'zod';
import { DecisionSchema } from '../deliberation/verdict.ts';
import { VerdictFilterSchema, type VerdictFilter } from '../store/store.ts';
import { MAX_NEAR_DUPLICATE_DISTANCE } from './duplicate-index.ts';
import { ExportFormatSchema } from './formats.ts';
import { DEFAULT_MAX_CLUSTERS } from './scenario-clusters.ts';
import { SPLITS } from './split.ts';

/** A boolean as a query string carries it (`true` or `false`), or as JSON. */
const booleanOption = z
  .enum(['true', 'false'])
  .transform((value) => value === 'true')
  .or(z.boolean());

/** Engines whose traces an LLM wrote; the default export takes only these. */
export const LLM_ENGINES = ['claude', 'openai-compatible'] as const;

/** Options of one harvest, shared by the REST export and the `harvest` command. */
export const HarvestOptionsSchema = VerdictFilterSchema.extend({
  decision: DecisionSchema.optional().describe('Only examples with this exported decision (a reviewer correction counts)'),
  format: ExportFormatSchema.default('deliberation').describe('deliberation (structured), anthropic (messages) or openai (chat fine-tuning)'),
  constitution_version: z.string().max(64).optional().describe('Only verdicts decided under this constitution version'),
  agreed: booleanOption.optional().describe('Only verdicts a reviewer agreed with'),
  engine: z.enum(['rubric', ...LLM_ENGINES]).optional().describe('Only verdicts this engine decided'),
  include_rubric: booleanOption
    .default(false)
    .describe('Also export traces the rubric engine wrote; by default only LLM-written traces are exported'),
  split: z.enum(SPLITS).optional().describe('Only this split; both when absent'),
  eval_percent: z.coerce.number().min(0).max(100).default(10).describe('Share of scenarios in the eval split, in percent'),
  near_duplicate_distance: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_NEAR_DUPLICATE_DISTANCE)
    .default(3)
    .describe('Largest SimHash Hamming distance (of 64 bits) at which two scenarios count as near duplicates'),
  max_clusters: z.coerce.number().int().min(1).max(4096).default(DEFAULT_MAX_CLUSTERS).describe('Most scenario clusters the card tracks'),
});
export type HarvestOptions = z.infer<typeof HarvestOptionsSchema>;

/**
 * Returns the part of the options the store filters on. The decision is filtered after reviews are
 * applied, because a correction changes it, so it is not passed down.
 */
export function storeFilter(options: HarvestOptions): VerdictFilter {
  const { constitution, tool, since, until } = options;
  const reviewed = options.agreed ? true : options.reviewed;
  return Object.fromEntries(
    Object.entries({ constitution, tool, since, until, reviewed }).filter(([, value]) => value !== undefined),
  ) as VerdictFilter;
}

/** Returns the engines an export takes traces from. */
export function exportedEngines(options: HarvestOptions): ReadonlySet<string> {
  if (options.engine) return new Set([options.engine]);
  return new Set(options.include_rubric ? ['rubric', ...LLM_ENGINES] : LLM_ENGINES);
}
