import { redactSecretsInText } from '../../redaction/redactor.ts';
import { cutText } from '../../unicode.ts';

/** Maximum length of a text quoted in evidence or the trace. */
const MAX_QUOTE = 160;

/**
 * Characters kept past the quote length before redacting, so a secret that starts inside the
 * quote is still whole when it is redacted. A longer private key is cut, and the private key
 * pattern also matches a key cut before its END line.
 */
const REDACTION_MARGIN = 512;

/** Redacts secrets, collapses whitespace and shortens a text for evidence or the trace. */
export function quote(text: string, max = MAX_QUOTE): string {
  // Cutting before redacting keeps the cost independent of the text's length.
  const flat = redactSecretsInText(cutText(text, max * 4 + REDACTION_MARGIN)).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${cutText(flat, max - 1)}…` : flat;
}

/** Lower-cases and collapses whitespace so that two texts compare as a reader would. */
export function foldText(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ');
}

/** Compiled patterns by source; constitutions are loaded once, so the set stays small. */
const compiledPatterns = new Map<string, RegExp>();

/**
 * Sources that need Unicode mode: a non-ASCII character or a `\p{…}`, `\P{…}` or `\u{…}` escape.
 * The others are compiled without it, because V8 ran the shipped signals about eight times
 * slower in Unicode mode (measured with the benchmark's commands, 53 against 6 µs per text).
 */
const NEEDS_UNICODE = /[^\x00-\x7f]|\\[pPu]\{/;

/** Compiles a constitution pattern, case-insensitive, once per source. */
export function compilePattern(source: string): RegExp {
  let pattern = compiledPatterns.get(source);
  if (!pattern) {
    pattern = new RegExp(source, NEEDS_UNICODE.test(source) ? 'iu' : 'i');
    compiledPatterns.set(source, pattern);
  }
  return pattern;
}

/** Compiled pattern sets by the constitution array they come from, which stays the same object while the constitution is loaded. */
const compiledSets = new WeakMap<readonly string[], readonly RegExp[]>();

/**
 * Compiles a list of constitution patterns into as few regexes as match the same texts. The
 * unanchored patterns become one alternation, so a text is scanned once instead of once per
 * pattern. Each `^`-anchored pattern stays alone, because testPattern reads only the first
 * window of a long text for those. A pattern with a named group also stays alone, since two
 * alternatives may not share a group name.
 */
export function compilePatternSet(sources: readonly string[]): readonly RegExp[] {
  const cached = compiledSets.get(sources);
  if (cached) return cached;
  const alone = sources.filter((source) => source.startsWith('^') || /\(\?<[A-Za-z]/.test(source));
  const combinable = sources.filter((source) => !alone.includes(source));
  const compiled = alone.map(compilePattern);
  if (combinable.length > 0) compiled.push(compilePattern(combinable.map((source) => `(?:${source})`).join('|')));
  compiledSets.set(sources, compiled);
  return compiled;
}

/** Tests whether any of the patterns matches the text, in bounded time (see testPattern). */
export function matchesAny(patterns: readonly RegExp[], text: string): boolean {
  for (const pattern of patterns) if (testPattern(pattern, text)) return true;
  return false;
}

/**
 * Joins finding details into one clause list for a sentence: trailing periods go, and a
 * leading capital is lowered unless it starts an acronym or a name such as `AWS`.
 */
export function joinClauses(details: readonly string[]): string {
  return details
    .map((detail) => detail.trim().replace(/\.$/, ''))
    .map((detail) => (/^[A-Z][a-z]/.test(detail) ? detail[0]!.toLowerCase() + detail.slice(1) : detail))
    .join('; ');
}

/**
 * Longest text a pattern is run over in one piece. Constitution patterns are not vetted for
 * backtracking, and some take time quadratic in the text's length, so longer texts are
 * scanned in overlapping windows of this size.
 */
export const SCAN_WINDOW = 8192;
const SCAN_OVERLAP = 1024;

/**
 * Tests a pattern against a text in bounded time. A pattern anchored with `^` is tested on
 * the first window only, because a later window's start is not the start of the text.
 * NOTE: a match that needs more than SCAN_OVERLAP characters across a window boundary is
 * missed; the unanalysable-input detector escalates executed commands longer than a window.
 */
export function testPattern(pattern: RegExp, text: string): boolean {
  if (text.length <= SCAN_WINDOW) return pattern.test(text);
  if (pattern.source.startsWith('^')) return pattern.test(text.slice(0, SCAN_WINDOW));
  for (let start = 0; start < text.length; start += SCAN_WINDOW - SCAN_OVERLAP) {
    if (pattern.test(text.slice(start, start + SCAN_WINDOW))) return true;
  }
  return false;
}
