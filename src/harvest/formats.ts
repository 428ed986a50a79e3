import { z } from 'zod';
import { DeliberationRequestSchema } from '../deliberation/request.ts';
import { DecisionSchema, VerdictSchema } from '../deliberation/verdict.ts';
import { ReviewSchema } from '../store/review.ts';
import { SPLITS, type Split } from './split.ts';
import type { TrainingExample } from './training-example.ts';

export const EXPORT_FORMATS = ['deliberation', 'anthropic', 'openai'] as const;
export const ExportFormatSchema = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

const content = z.string().min(1);

/**
 * Anthropic-style messages line: optional system prompt, then user and assistant turns
 * alternating, starting with user and ending with assistant. Bedrock's Claude fine-tuning
 * format allows no other keys, so the schema is strict and carries no metadata.
 */
export const AnthropicExampleSchema = z.strictObject({
  system: content.optional(),
  messages: z
    .array(z.strictObject({ role: z.enum(['user', 'assistant']), content }))
    .min(2)
    .refine((messages) => messages.every((message, index) => message.role === (index % 2 === 0 ? 'user' : 'assistant')), {
      message: 'messages must alternate user and assistant, starting with user',
    })
    .refine((messages) => messages.at(-1)?.role === 'assistant', { message: 'the last message must be from the assistant' }),
});

/** OpenAI chat fine-tuning line: system, user and assistant messages, ending with the assistant. */
export const OpenAiExampleSchema = z.strictObject({
  messages: z
    .array(z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content }))
    .min(2)
    .refine((messages) => messages.at(-1)?.role === 'assistant', { message: 'the last message must be from the assistant' }),
});

/**
 * Structured deliberation line: every verdict field an engine wrote (each factor with score,
 * rationale and evidence), the redacted request, the review, and the harvest's own fields.
 */
export const DeliberationExampleSchema = VerdictSchema.omit({ training: true })
  .extend({
    split: z.enum(SPLITS),
    engine_decision: DecisionSchema.describe('What the engine decided; differs from decision when a reviewer corrected it'),
    corrected: z.boolean().describe('True when a reviewer corrected the decision'),
    review: ReviewSchema.optional(),
    request: DeliberationRequestSchema,
    scenario: content.describe('The rendered scenario, as the user message of the chat formats'),
    target: content.describe('The rendered deliberation, as the assistant message of the chat formats'),
    tool_category: z.string(),
    cluster: z.string().describe('Scenario cluster id, as in the dataset card'),
    tokens: z.number().int().min(0),
  })
  .strict();

export const EXAMPLE_SCHEMAS = {
  deliberation: DeliberationExampleSchema,
  anthropic: AnthropicExampleSchema,
  openai: OpenAiExampleSchema,
} as const;

/** Harvest facts about an example beyond its text. */
export interface ExampleAnnotations {
  readonly split: Split;
  readonly toolCategory: string;
  readonly cluster: string;
  readonly tokens: number;
}

/** Serializes one example as a JSON line (with the newline) in the chosen format. */
export function formatLine(format: ExportFormat, example: TrainingExample, annotations: ExampleAnnotations): string {
  return `${JSON.stringify(formatExample(format, example, annotations))}\n`;
}

function formatExample(format: ExportFormat, example: TrainingExample, annotations: ExampleAnnotations): object {
  if (format === 'openai') {
    return {
      messages: [
        { role: 'system', content: example.system },
        { role: 'user', content: example.scenario },
        { role: 'assistant', content: example.deliberation },
      ],
    };
  }
  if (format === 'anthropic') {
    return {
      system: example.system,
      messages: [
        { role: 'user', content: example.scenario },
        { role: 'assistant', content: example.deliberation },
      ],
    };
  }
  const { training: _training, ...verdict } = example.record.verdict;
  return {
    ...verdict,
    decision: example.decision,
    engine_decision: verdict.decision,
    corrected: example.corrected,
    ...(example.record.review ? { review: example.record.review } : {}),
    request: example.record.request,
    split: annotations.split,
    scenario: example.scenario,
    target: example.deliberation,
    tool_category: annotations.toolCategory,
    cluster: annotations.cluster,
    tokens: annotations.tokens,
  };
}

/** Returns the scenario text of an exported line, to rebuild the duplicate index when an export resumes. */
export function scenarioOfLine(format: ExportFormat, line: string): string {
  const parsed = JSON.parse(line) as { scenario?: string; messages?: Array<{ role: string; content: string }> };
  if (format === 'deliberation') return parsed.scenario ?? '';
  return parsed.messages?.find((message) => message.role === 'user')?.content ?? '';
}
