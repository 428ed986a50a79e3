import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One sensitive sample: the value that must never survive, inside a realistic text. */
export interface SensitiveSample {
  kind: string;
  value: string;
  text: string;
}

function readJsonl<T>(name: string): T[] {
  return readFileSync(join(import.meta.dirname, '../fixtures/redaction', name), 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as T);
}

/** Secrets and personal data of every kind the redaction covers. */
export const SENSITIVE_SAMPLES = readJsonl<SensitiveSample>('corpus.jsonl');

/** Texts that look technical but hold nothing sensitive; redaction must leave them unchanged. */
export const HARMLESS_TEXTS = readJsonl<{ text: string }>('negatives.jsonl').map((entry) => entry.text);

/** Returns the samples whose value occurs in a text: the leaks. */
export function leakedSamples(text: string): SensitiveSample[] {
  return SENSITIVE_SAMPLES.filter((sample) => text.includes(sample.value));
}
