/** Maximum length of a text quoted in evidence or the trace. */
const MAX_QUOTE = 160;

/** Secret-looking values that must never be quoted, with the placeholder that replaces them. */
const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[REDACTED:private_key]'],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, '[REDACTED:aws_access_key]'],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, '[REDACTED:github_token]'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g, '[REDACTED:slack_token]'],
  [/\bsk-[A-Za-z0-9_-]{20,}\b/g, '[REDACTED:api_key]'],
  [/\b(?:[a-z][a-z0-9+.-]*):\/\/[^\s:@/]+:[^\s@/]+@/gi, '[REDACTED:url_credentials]@'],
  [/\b((?:password|passwd|pwd|secret|token|api[_-]?key)\s*[=:]\s*)["']?[^\s"',;]+/gi, '$1[REDACTED:secret]'],
];

/** Replaces secret-looking values with typed placeholders. */
export function redactSecrets(text: string): string {
  let output = text;
  for (const [pattern, placeholder] of SECRET_PATTERNS) output = output.replace(pattern, placeholder);
  return output;
}

/** Redacts secrets, collapses whitespace and shortens a text for evidence or the trace. */
export function quote(text: string, max = MAX_QUOTE): string {
  const flat = redactSecrets(text).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Lower-cases and collapses whitespace so that two texts compare as a reader would. */
export function foldText(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ');
}

/** Compiled patterns by source; constitutions are loaded once, so the set stays small. */
const compiledPatterns = new Map<string, RegExp>();

/** Compiles a constitution pattern, case-insensitive and Unicode-aware, once per source. */
export function compilePattern(source: string): RegExp {
  let pattern = compiledPatterns.get(source);
  if (!pattern) {
    pattern = new RegExp(source, 'iu');
    compiledPatterns.set(source, pattern);
  }
  return pattern;
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
