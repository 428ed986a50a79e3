import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys read `dg_<id>_<secret>`. The id is public: it names the key in listings and logs and
 * finds its row. The secret is 32 random bytes and only its SHA-256 digest is stored. A fast
 * hash is enough here, unlike for passwords, because a random 256-bit secret cannot be guessed
 * from a leaked digest by trying candidates.
 */
const KEY_PATTERN = /^dg_([0-9a-z]{12})_([A-Za-z0-9_-]{43})$/;

export interface ParsedApiKey {
  readonly id: string;
  readonly secret: string;
}

export interface NewApiKey extends ParsedApiKey {
  /** The whole key as the caller sends it; shown once and never stored. */
  readonly token: string;
  readonly secretHash: string;
}

/** Hashes a key secret for storage and comparison. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Creates a key with a fresh random id and secret. */
export function generateApiKey(): NewApiKey {
  const id = randomBytes(8).readBigUInt64BE().toString(36).padStart(13, '0').slice(-12);
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, token: `dg_${id}_${secret}`, secretHash: hashSecret(secret) };
}

/** Splits a key into id and secret, or returns undefined when it is not shaped like one. */
export function parseApiKey(token: string): ParsedApiKey | undefined {
  const match = KEY_PATTERN.exec(token);
  return match ? { id: match[1]!, secret: match[2]! } : undefined;
}

/** Compares a presented secret with a stored digest in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
