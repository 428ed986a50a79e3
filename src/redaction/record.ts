import type { StoredVerdict } from '../store/store.ts';
import { Redactor } from './redactor.ts';

/**
 * Redacts a verdict and its request with one Redactor, request first, so that a value the
 * request carried keeps its placeholder in the verdict's rationales, evidence and trace even
 * where the engine shortened it. Identity fields (id, time, constitution reference) are kept.
 */
export function redactStoredVerdict(record: StoredVerdict): StoredVerdict {
  const redactor = new Redactor();
  const request = redactor.redactValue(record.request);
  const { id, created_at, constitution, ...judged } = record.verdict;
  const verdict = { ...redactor.redactValue(judged), id, created_at, constitution };
  const review = record.review && redactor.redactValue(record.review);
  return review ? { verdict, request, review } : { verdict, request };
}

/**
 * A JSON key that may name a credential. It matches every name that the field rule replaces
 * whole, and more, so a line without such a key needs only the text patterns.
 */
const CREDENTIAL_FIELD_NAME = /"[^"]*(?:pass|secret|token|key|credential|authorization|cookie|cvv|cvc)[^"]*"\s*:/i;

/**
 * Redacts one serialized pino line. The line is parsed and rebuilt so that a replacement can
 * never break the JSON; a line that does not parse is redacted as plain text.
 */
export function redactLogLine(line: string): string {
  const redactor = new Redactor();
  // Most lines have no credential field and match no pattern, so they are written unchanged without a parse.
  if (!CREDENTIAL_FIELD_NAME.test(line) && redactor.matchesNothing(line)) return line;
  try {
    return JSON.stringify(redactor.redactValue(JSON.parse(line))) + (line.endsWith('\n') ? '\n' : '');
  } catch {
    return redactor.redactText(line);
  }
}
