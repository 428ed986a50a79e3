import { createHash } from 'node:crypto';
import { configure } from 'safe-stable-stringify';

/** JSON with object keys sorted at every level, so equal values give equal text. */
const stableStringify = configure({ deterministic: true, circularValue: Error });

/** SHA-256 of a value's key-sorted JSON: equal for equal JSON values, whatever their key order. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(stableStringify(value) ?? 'null').digest('hex');
}
