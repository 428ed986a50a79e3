import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';

/** Names the tokenizer in dataset cards; other model families' tokenizers give other counts. */
export const TOKENIZER = 'o200k_base (gpt-tokenizer 4, the GPT-4o encoding)';

/**
 * Counts the tokens of an example's message texts with the o200k_base BPE, without the few
 * tokens a chat template adds per message. System prompts repeat across examples, so their
 * counts are cached; the cache contains one entry per distinct system text (one per constitution).
 */
export class TokenCounter {
  private readonly cached = new Map<string, number>();

  count(system: string, ...messages: string[]): number {
    let total = this.cached.get(system);
    if (total === undefined) {
      total = countTokens(system);
      this.cached.set(system, total);
    }
    for (const message of messages) total += countTokens(message);
    return total;
  }
}
