/**
 * A `\uD800` to `\uDFFF` escape in JSON text. Text decoded from UTF-8 never contains a lone
 * surrogate, so only such an escape can put one into a parsed string.
 */
export const SURROGATE_ESCAPE = /\\ud[89a-f][0-9a-f]{2}/i;

// In Unicode mode a surrogate pair is one code point, so these match only unpaired surrogates.
// String.prototype.isWellFormed and toWellFormed (ES2024) do the same, but the project's
// TypeScript lib setting is ES2023.
const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATES = /\p{Cs}/gu;

/** Tells whether a string contains an unpaired UTF-16 surrogate. */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/**
 * Replaces each unpaired surrogate with U+FFFD, as toWellFormed does. The service rejects a
 * request that contains one, and cutting a string in the middle of a pair leaves one behind.
 */
export function toWellFormed(text: string): string {
  return text.replace(LONE_SURROGATES, '\uFFFD');
}
