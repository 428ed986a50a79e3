import { cutText, hasLoneSurrogate, SURROGATE_ESCAPE, toWellFormed } from '../../unicode.ts';

const OPENERS = new Set(['[', '{']);
const CLOSERS = new Set([']', '}']);

/**
 * Scans raw JSON text for its nesting depth without parsing it, so a deeply nested body is
 * rejected in linear time before the parser or a schema walks it recursively.
 */
export function exceedsDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (OPENERS.has(char)) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (CLOSERS.has(char)) {
      depth -= 1;
    }
  }
  return false;
}

/**
 * Returns the path of the first string value or object key for which `matches` is true, or
 * undefined. Paths read like `action.input.args[2]`, with each key cut to 64 characters and
 * any unpaired surrogate in it replaced with U+FFFD, so the path is safe to echo in JSON.
 */
function findStringPath(value: unknown, matches: (text: string) => boolean): string | undefined {
  const pending: Array<{ value: unknown; path: string }> = [{ value, path: '' }];
  while (pending.length > 0) {
    const { value: current, path } = pending.pop()!;
    if (typeof current === 'string') {
      if (matches(current)) return path || '(body)';
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => pending.push({ value: item, path: `${path}[${index}]` }));
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        const name = toWellFormed(cutText(key, 64));
        const childPath = path ? `${path}.${name}` : name;
        if (matches(key)) return childPath;
        pending.push({ value: item, path: childPath });
      }
    }
  }
  return undefined;
}

/** Returns the path of the first string value or key longer than the limit, or undefined. */
export function findOversizedField(value: unknown, maxChars: number): string | undefined {
  return findStringPath(value, (text) => text.length > maxChars);
}

/**
 * Returns the path of the first string value or key of a parsed body that contains an unpaired
 * UTF-16 surrogate, or undefined. `text` is the JSON the value was parsed from and must have been
 * decoded from UTF-8. The value is walked only when `text` contains a surrogate escape, so a
 * body without one costs a single regex scan.
 */
export function findUnpairedSurrogate(text: string, value: unknown): string | undefined {
  if (!SURROGATE_ESCAPE.test(text)) return undefined;
  return findStringPath(value, (candidate) => hasLoneSurrogate(candidate));
}

/** The error-message wording for a string or key that findUnpairedSurrogate names. */
export const UNPAIRED_SURROGATE_PROBLEM =
  'contains an unpaired UTF-16 surrogate (a \\uD800 to \\uDFFF escape without its other half), which is not valid Unicode text';

/**
 * Returns the path of the first key that Fastify's JSON parser (secure-json-parse) rejects as
 * prototype poisoning, or undefined: a `__proto__` key, or a `constructor` key whose value is
 * an object with a `prototype` key. `value` is the body as plain JSON.parse returns it, where
 * `__proto__` is an ordinary own property.
 */
export function findForbiddenKey(value: unknown): { path: string; key: '__proto__' | 'constructor.prototype' } | undefined {
  const pending: Array<{ value: unknown; path: string }> = [{ value, path: '' }];
  while (pending.length > 0) {
    const { value: current, path } = pending.pop()!;
    if (Array.isArray(current)) {
      current.forEach((item, index) => pending.push({ value: item, path: `${path}[${index}]` }));
    } else if (current !== null && typeof current === 'object') {
      const prefix = path ? `${path}.` : '';
      if (Object.hasOwn(current, '__proto__')) return { path: `${prefix}__proto__`, key: '__proto__' };
      const constructor = Object.hasOwn(current, 'constructor') ? (current as { constructor: unknown }).constructor : undefined;
      if (constructor !== null && typeof constructor === 'object' && Object.hasOwn(constructor, 'prototype')) {
        return { path: `${prefix}constructor.prototype`, key: 'constructor.prototype' };
      }
      for (const [key, item] of Object.entries(current)) pending.push({ value: item, path: `${prefix}${key.slice(0, 64)}` });
    }
  }
  return undefined;
}
