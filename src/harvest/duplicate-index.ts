import { GrowableUint32Array } from './growable.ts';
import { exactFingerprint, hammingDistance, shingles, simhash, type Fingerprint } from './simhash.ts';

/** Word shingle size for near-duplicate detection; three words keep word order without being brittle. */
const SHINGLE_WORDS = 3;

/** Largest supported distance; beyond it the pigeonhole blocks get too short to narrow the candidates. */
export const MAX_NEAR_DUPLICATE_DISTANCE = 7;

/** Bits of a block used as bucket key; 16 keeps each table at 65,536 heads. */
const MAX_KEY_BITS = 16;

export type DuplicateKind = 'unique' | 'exact' | 'near';

/**
 * Finds exact and near duplicates of scenario texts among those kept so far. Near means a
 * SimHash Hamming distance of at most `maxDistance` bits. Candidates come from the pigeonhole
 * principle: split the 64 bits into maxDistance + 1 blocks (at least 4), and two fingerprints
 * within the distance agree on at least one whole block, so one lookup per block finds them.
 * Memory grows by about 16 + 4 × blocks bytes per kept text; nothing else is kept.
 */
export class DuplicateIndex {
  private readonly simHi = new GrowableUint32Array();
  private readonly simLo = new GrowableUint32Array();
  private readonly exactHi = new GrowableUint32Array();
  private readonly exactLo = new GrowableUint32Array();
  private readonly blocks: Array<{ start: number; keyBits: number; heads: Int32Array; next: GrowableUint32Array }>;

  constructor(private readonly maxDistance: number) {
    if (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > MAX_NEAR_DUPLICATE_DISTANCE) {
      throw new RangeError(`near-duplicate distance must be an integer from 0 to ${MAX_NEAR_DUPLICATE_DISTANCE}, got ${maxDistance}`);
    }
    const count = Math.max(4, maxDistance + 1);
    this.blocks = Array.from({ length: count }, (_unused, index) => {
      const start = Math.floor((index * 64) / count);
      const keyBits = Math.min(MAX_KEY_BITS, Math.floor(((index + 1) * 64) / count) - start);
      return { start, keyBits, heads: new Int32Array(1 << keyBits).fill(-1), next: new GrowableUint32Array() };
    });
  }

  /** Number of texts kept. */
  get size(): number {
    return this.simHi.length;
  }

  /** Classifies a text, given as its words, against those kept so far and keeps it when it is unique. */
  classify(tokens: readonly string[]): DuplicateKind {
    const near = simhash(shingles(tokens, SHINGLE_WORDS));
    const exact = exactFingerprint(tokens.join(' '));
    const kind = this.findDuplicate(near, exact);
    if (kind === 'unique') this.keep(near, exact);
    return kind;
  }

  private findDuplicate(near: Fingerprint, exact: Fingerprint): DuplicateKind {
    let found: DuplicateKind = 'unique';
    for (const block of this.blocks) {
      for (let row = block.heads[blockKey(near, block.start, block.keyBits)]!; row !== -1; row = block.next.at(row) - 1) {
        if (hammingDistance(near.hi, near.lo, this.simHi.at(row), this.simLo.at(row)) > this.maxDistance) continue;
        if (this.exactHi.at(row) === exact.hi && this.exactLo.at(row) === exact.lo) return 'exact';
        found = 'near';
      }
    }
    return found;
  }

  private keep(near: Fingerprint, exact: Fingerprint): void {
    const row = this.simHi.length;
    this.simHi.push(near.hi);
    this.simLo.push(near.lo);
    this.exactHi.push(exact.hi);
    this.exactLo.push(exact.lo);
    for (const block of this.blocks) {
      const key = blockKey(near, block.start, block.keyBits);
      // next stores the previous head plus one, so 0 ends the chain.
      block.next.push(block.heads[key]! + 1);
      block.heads[key] = row;
    }
  }
}

/** Reads `length` bits from bit `start` of a fingerprint; bits 0 to 31 are in hi. */
function blockKey({ hi, lo }: Fingerprint, start: number, length: number): number {
  let key = 0;
  for (let offset = 0; offset < length; offset += 1) {
    const bit = start + offset;
    const value = bit < 32 ? (hi >>> bit) & 1 : (lo >>> (bit - 32)) & 1;
    key |= value << offset;
  }
  return key;
}
