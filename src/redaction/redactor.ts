import { isCardNumberValue } from './checksums.ts';
import { isKnownClean, rememberClean } from './clean-text-cache.ts';
import { credentialKindOfKey, isAssignmentName, PLACEHOLDER, SECRET_PATTERNS, SENSITIVE_PATTERNS, type SensitiveCategory, type SensitivePattern } from './patterns.ts';

/** Shortest prefix of a known value that is still replaced where a text was cut off, for example `ghp_EXAM…`. */
const MIN_PREFIX = 8;

/** A text that is one placeholder and nothing else; a value already redacted is left alone. */
const WHOLE_PLACEHOLDER = new RegExp(`^${PLACEHOLDER.source}$`);

/**
 * Replaces secrets and personal data with typed placeholders. One instance covers one record
 * (a verdict with its request, or one log line), so the same value gets the same placeholder
 * wherever it appears in that record, and different values of one kind get different ones.
 */
export class Redactor {
  /** Original value to placeholder, longest value first so that a value inside another is replaced last. */
  private known: Array<[string, string]> = [];
  private readonly perKind = new Map<string, number>();

  /** @param patterns the patterns to apply; every kind of secret and personal data by default */
  constructor(private readonly patterns: readonly SensitivePattern[] = SENSITIVE_PATTERNS) {}

  /** Distinct values replaced, by kind. */
  get counts(): ReadonlyMap<string, number> {
    return this.perKind;
  }

  /** Redacts one text: values seen earlier in the record first, then every pattern, then the values they found. */
  redactText(text: string): string {
    if (text.length === 0 || WHOLE_PLACEHOLDER.test(text)) return text;
    let output = this.replaceKnown(text);
    const knownBefore = this.known.length;
    for (const rule of this.patterns) output = this.replacePattern(output, rule);
    // A value found by context (a key name, an assignment) may also appear bare elsewhere in the text.
    return this.known.length > knownBefore ? this.replaceKnown(output) : output;
  }

  /**
   * Redacts every string in a JSON value. A string under a credential field name (for example
   * `aws_secret_access_key`) is replaced whole, whatever it looks like. The patterns then run
   * once over the serialized value, which is much faster than once per string. No pattern
   * matches a quote or a backslash, so the JSON text stays valid. Keys are redacted as text.
   * A value with nothing to redact is returned as it is, not copied.
   */
  redactValue<T>(value: T): T {
    const fields = this.replaceWholeValues(value);
    // Values found earlier in the record may hide in any string, so only a record without them skips known-clean strings.
    if (this.known.length === 0 && scanUnknownParts(fields)) return fields;
    const text = JSON.stringify(fields);
    if (text === undefined) return value;
    const masked = maskEscapes(text);
    const redacted = this.redactText(masked);
    if (redacted === masked) return fields;
    try {
      return JSON.parse(restoreEscapes(redacted)) as T;
    } catch {
      // An unquoted literal after a credential name (`"secret": true`) was replaced; redact string by string instead.
      return this.redactStrings(fields);
    }
  }

  /** Checks that no pattern matches in a serialized JSON text. Credential field names are not checked. */
  matchesNothing(json: string): boolean {
    const masked = maskEscapes(json);
    return this.redactText(masked) === masked;
  }

  private redactStrings<T>(value: T): T {
    if (typeof value === 'string') return this.redactText(value) as T;
    if (Array.isArray(value)) return value.map((item) => this.redactStrings(item)) as T;
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, child]) => [name, this.redactStrings(child)])) as T;
  }

  /**
   * Replaces whole scalar values: those of credential fields, and JSON numbers that are card
   * numbers. A number must be replaced here, because a placeholder in its place in serialized
   * JSON would be unquoted. Only the objects and arrays on the path to a replaced value are copied.
   */
  private replaceWholeValues<T>(value: T, key?: string): T {
    if (typeof value === 'string' || typeof value === 'number') {
      const kind = key === undefined ? undefined : credentialKindOfKey(key);
      const text = String(value);
      if (kind !== undefined && text.trim() !== '' && !WHOLE_PLACEHOLDER.test(text)) return this.placeholderFor(kind, 'secret', text) as T;
      if (typeof value === 'number' && isCardNumberValue(value)) return this.placeholderFor('card_number', 'personal', text) as T;
      return value;
    }
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      value.forEach((item, index) => {
        const replaced = this.replaceWholeValues(item, key);
        if (replaced === item) return;
        copy ??= [...value];
        copy[index] = replaced;
      });
      return (copy ?? value) as T;
    }
    if (value === null || typeof value !== 'object') return value;
    let copy: Record<string, unknown> | undefined;
    const record = value as Record<string, unknown>;
    for (const name of Object.keys(record)) {
      const child = record[name];
      const replaced = this.replaceWholeValues(child, name);
      if (replaced === child) continue;
      copy ??= { ...record };
      copy[name] = replaced;
    }
    return (copy ?? value) as T;
  }

  private replacePattern(text: string, rule: SensitivePattern): string {
    // Most texts match no rule; a test without the `d` flag is much cheaper than matchAll with indices.
    if ((rule.hint !== undefined && !text.includes(rule.hint)) || !probeOf(rule).test(text)) return text;
    let output = '';
    let copiedUpTo = 0;
    for (const match of text.matchAll(rule.pattern)) {
      const span = match.indices?.[rule.group ?? 0];
      if (!span) continue;
      const [start, end] = span;
      const value = text.slice(start, end);
      if (rule.validate && !rule.validate(value, match)) continue;
      const kind = rule.kindOf ? rule.kindOf(match) : rule.kind;
      output += text.slice(copiedUpTo, start) + this.placeholderFor(kind, rule.category, value);
      copiedUpTo = end;
    }
    return copiedUpTo === 0 ? text : output + text.slice(copiedUpTo);
  }

  /** Replaces values already redacted elsewhere in the record, and their cut-off prefixes. */
  private replaceKnown(text: string): string {
    let output = text;
    for (const [value, placeholder] of this.known) {
      if (output.includes(value)) output = replaceWhole(output, value, placeholder);
      if (value.length > MIN_PREFIX) output = replaceCutPrefix(output, value, placeholder);
    }
    return output;
  }

  private placeholderFor(kind: string, category: SensitiveCategory, value: string): string {
    const seen = this.known.find(([known]) => known === value);
    if (seen) return seen[1];

    const ordinal = (this.perKind.get(kind) ?? 0) + 1;
    this.perKind.set(kind, ordinal);
    const placeholder =
      category === 'secret'
        ? `[REDACTED:${ordinal === 1 ? kind : `${kind}_${ordinal}`}]`
        : `[${kind.toUpperCase()}_${ordinal}]`;
    this.known.push([value, placeholder]);
    // In serialized JSON the value appears escaped, for example a private key's line breaks as \n.
    const escaped = maskEscapes(JSON.stringify(value).slice(1, -1));
    if (escaped !== value) this.known.push([escaped, placeholder]);
    this.known.sort((left, right) => right[0].length - left[0].length);
    return placeholder;
  }
}

/**
 * Replaces the secrets in one text with `[REDACTED:kind]` placeholders and leaves personal
 * data, so that a quote in a verdict's evidence does not repeat a credential that the
 * patterns recognise, whether or not storage redaction is on. The kinds are those the
 * storage redaction writes.
 */
export function redactSecretsInText(text: string): string {
  if (isKnownClean(text)) return text;
  return new Redactor(SECRET_PATTERNS).redactText(text);
}

/**
 * Scans only the parts of a value that are not known to be clean, and returns true when none
 * of them matches a pattern. A part is a string value or key not seen clean before, or a
 * scalar together with a field name that a pattern may read with it (see isAssignmentName).
 * Every pattern stops at a quote, so in serialized JSON a match lies within one string, or
 * spans a field name and its scalar value, and scanning the parts finds the same matches as
 * scanning the whole value. The scan uses a scratch Redactor, so a match leaves this one's
 * placeholders untouched for the caller's whole-value pass.
 */
function scanUnknownParts(value: unknown): boolean {
  const parts: unknown[] = [];
  const strings = new Set<string>();
  collectUnknownParts(value, undefined, parts, strings);
  if (parts.length === 0) return true;
  if (!new Redactor().matchesNothing(JSON.stringify(parts))) return false;
  rememberClean([...strings]);
  return true;
}

function collectUnknownParts(value: unknown, key: string | undefined, parts: unknown[], strings: Set<string>): void {
  if (value === null || typeof value !== 'object') {
    if (key !== undefined && isAssignmentName(key)) {
      parts.push({ [key]: value });
    } else if (typeof value === 'string' && !isKnownClean(value) && !strings.has(value)) {
      strings.add(value);
      parts.push(value);
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collectUnknownParts(item, undefined, parts, strings);
    return;
  }
  const record = value as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    collectUnknownParts(name, undefined, parts, strings);
    collectUnknownParts(record[name], name, parts, strings);
  }
}

/**
 * JSON escapes for line breaks and tabs end in a letter (`\n`), so a value right after one
 * would not start at a word boundary. While the patterns run, that letter is swapped for a
 * control character, which serialized JSON never contains raw and which no pattern matches.
 */
const ESCAPE_LETTERS = 'nrtbf';

function maskEscapes(json: string): string {
  if (!json.includes('\\')) return json;
  return json.replace(/\\(.)/g, (escape, letter: string) => {
    const index = ESCAPE_LETTERS.indexOf(letter);
    return index === -1 ? escape : `\\${String.fromCharCode(1 + index)}`;
  });
}

function restoreEscapes(json: string): string {
  return json.replace(/\\([\x01-\x05])/g, (_escape, code: string) => `\\${ESCAPE_LETTERS[code.charCodeAt(0) - 1]}`);
}

const probes = new WeakMap<SensitivePattern, RegExp>();

/** Returns the rule's pattern without the `g` and `d` flags, for a quick yes-or-no test. */
function probeOf(rule: SensitivePattern): RegExp {
  let probe = probes.get(rule);
  if (!probe) {
    probe = new RegExp(rule.pattern.source, rule.pattern.flags.replace(/[gd]/g, ''));
    probes.set(rule, probe);
  }
  return probe;
}

const WORD_CHARACTER = /[A-Za-z0-9_]/;

/**
 * Replaces each occurrence of `value` that is not part of a longer word, so a short value such
 * as the `abc` of `password=abc` leaves `abcdef` alone.
 */
function replaceWhole(text: string, value: string, placeholder: string): string {
  const checkBefore = WORD_CHARACTER.test(value[0]!);
  const checkAfter = WORD_CHARACTER.test(value.at(-1)!);
  let output = '';
  let copiedUpTo = 0;
  for (let start = text.indexOf(value); start !== -1; start = text.indexOf(value, start + 1)) {
    if (start < copiedUpTo) continue;
    const end = start + value.length;
    if (checkBefore && start > 0 && WORD_CHARACTER.test(text[start - 1]!)) continue;
    if (checkAfter && end < text.length && WORD_CHARACTER.test(text[end]!)) continue;
    output += text.slice(copiedUpTo, start) + placeholder;
    copiedUpTo = end;
  }
  return copiedUpTo === 0 ? text : output + text.slice(copiedUpTo);
}

/** Replaces a prefix of `value` of at least MIN_PREFIX characters that runs to the end of a word, as a shortened quote leaves it. */
function replaceCutPrefix(text: string, value: string, placeholder: string): string {
  const head = value.slice(0, MIN_PREFIX);
  let output = '';
  let copiedUpTo = 0;
  for (let start = text.indexOf(head); start !== -1; start = text.indexOf(head, start + 1)) {
    if (start < copiedUpTo) continue;
    let end = start + MIN_PREFIX;
    while (end < text.length && end - start < value.length && text[end] === value[end - start]) end += 1;
    output += text.slice(copiedUpTo, start) + placeholder;
    copiedUpTo = end;
  }
  return copiedUpTo === 0 ? text : output + text.slice(copiedUpTo);
}

/** Counts the distinct placeholders in a text by kind, whichever redaction pass wrote them. */
export function countPlaceholders(text: string): Map<string, number> {
  const distinct = new Set(text.match(PLACEHOLDER) ?? []);
  const counts = new Map<string, number>();
  for (const placeholder of distinct) {
    const [, secretKind, personalKind] = new RegExp(PLACEHOLDER.source).exec(placeholder) ?? [];
    const kind = secretKind ?? personalKind?.toLowerCase();
    if (kind) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}
