import { createHash } from 'node:crypto';

export const SPLITS = ['train', 'eval'] as const;
export type Split = (typeof SPLITS)[number];

/**
 * Puts a scenario, given as its words, in the train or eval split by a SHA-256 of the words,
 * so the same scenario lands in the same split on every export and on every machine, whatever
 * else is exported. `evalPercent` is 0 to 100.
 */
export function splitOf(tokens: readonly string[], evalPercent: number): Split {
  const digest = createHash('sha256').update(tokens.join(' ')).digest();
  const bucket = digest.readUInt32BE(0) % 10_000;
  return bucket < evalPercent * 100 ? 'eval' : 'train';
}
