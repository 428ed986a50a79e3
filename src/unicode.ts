/**
 * Unpaired UTF-16 surrogates. JSON.stringify writes one as a `\ud800`-style escape, which jq
 * and other strict JSON parsers reject, so stored and exported text must not contain any.
 */

/**
 * A `\uD800` to `\uDFFF` escape in JSON text. In text decoded from UTF-8, which turns every
 * invalid byte sequence into U+FFFD, only such an escape can put a lone surrogate into a parsed
 * string. Escaped backslashes (`\\uD800`) also match, which only costs a walk that finds nothing.
 */
export const SURROGATE_ESCAPE = /\\ud[89a-f][0-9a-f]{2}/i;

// In Unicode mode a surrogate pair is one code point, so these match only unpaired surrogates.
// String.prototype.isWellFormed and toWellFormed (ES2024, Node 20) do the same, but the
// project's TypeScript lib setting is ES2023.
const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATES = /\p{Cs}/gu;

/** Tells whether a string contains an unpaired UTF-16 surrogate. */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** Replaces each unpaired surrogate with U+FFFD, as String.prototype.toWellFormed does. */
export function toWellFormed(text: string): string {
  return text.replace(LONE_SURROGATES, '\uFFFD');
}

/** Cuts a text to at most `length` UTF-16 code units without splitting a surrogate pair. */
export function cutText(text: string, length: number): string {
  if (text.length <= length) return text;
  const last = text.charCodeAt(length - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? length - 1 : length);
}
