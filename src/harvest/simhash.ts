/** A 64-bit fingerprint as two unsigned 32-bit halves; JavaScript numbers stop at 53 bits. */
export interface Fingerprint {
  readonly hi: number;
  readonly lo: number;
}

const FNV_PRIME = 0x01000193;

/** FNV-1a over UTF-16 code units, 32 bits, with a seed so that two independent hashes can be taken. */
function fnv1a(text: string, seed: number): number {
  let hash = seed >>> 0;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/** Lower-cases and splits a text into word tokens; placeholders such as [EMAIL_1] stay one token. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/\[[a-z0-9_:]+\]|[\p{L}\p{N}_]+/gu) ?? [];
}

/** Overlapping runs of `size` words; a text shorter than that is one shingle. */
export function shingles(tokens: readonly string[], size: number): string[] {
  if (tokens.length <= size) return [tokens.join(' ')];
  const result: string[] = [];
  for (let index = 0; index + size <= tokens.length; index += 1) {
    // Concatenation instead of slice().join(): no array per shingle, and the same string.
    let shingle = tokens[index]!;
    for (let offset = 1; offset < size; offset += 1) shingle += ` ${tokens[index + offset]!}`;
    result.push(shingle);
  }
  return result;
}

/**
 * Charikar's SimHash: each feature votes on each of 64 bits through its hash, and the sign of
 * the sum sets the bit. Similar feature sets give fingerprints with a small Hamming distance.
 * The vote of a bit is positive exactly when more than half of the features set it, so the loop
 * only counts set bits, without a branch or an array per feature.
 */
export function simhash(features: readonly string[]): Fingerprint {
  const ones = new Int32Array(64);
  for (const feature of features) {
    const first = fnv1a(feature, 0x811c9dc5);
    const second = fnv1a(feature, 0x050c5d1f);
    for (let bit = 0; bit < 32; bit += 1) {
      ones[bit]! += (first >>> bit) & 1;
      ones[32 + bit]! += (second >>> bit) & 1;
    }
  }
  let hi = 0;
  let lo = 0;
  for (let bit = 0; bit < 32; bit += 1) {
    if (ones[bit]! * 2 > features.length) hi |= 1 << bit;
    if (ones[32 + bit]! * 2 > features.length) lo |= 1 << bit;
  }
  return { hi: hi >>> 0, lo: lo >>> 0 };
}

/** Computes an exact 64-bit content hash, for telling exact duplicates from near ones. */
export function exactFingerprint(text: string): Fingerprint {
  return { hi: fnv1a(text, 0x811c9dc5), lo: fnv1a(text, 0x2f8a1c03) };
}

function popcount(value: number): number {
  let rest = value - ((value >>> 1) & 0x55555555);
  rest = (rest & 0x33333333) + ((rest >>> 2) & 0x33333333);
  return (Math.imul((rest + (rest >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Number of differing bits between two fingerprints, 0 to 64. */
export function hammingDistance(hiA: number, loA: number, hiB: number, loB: number): number {
  return popcount((hiA ^ hiB) >>> 0) + popcount((loA ^ loB) >>> 0);
}

/** Formats a fingerprint as 16 hex digits, for cards and checkpoints. */
export function fingerprintToHex({ hi, lo }: Fingerprint): string {
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** Parses 16 hex digits written by fingerprintToHex. */
export function fingerprintFromHex(hex: string): Fingerprint {
  return { hi: Number.parseInt(hex.slice(0, 8), 16) >>> 0, lo: Number.parseInt(hex.slice(8, 16), 16) >>> 0 };
}
