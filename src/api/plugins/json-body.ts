import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config/config.ts';
import { GuardError } from '../errors.ts';

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

/** Returns the path of the first string value or key longer than the limit, or undefined. */
export function findOversizedField(value: unknown, maxChars: number): string | undefined {
  const pending: Array<{ value: unknown; path: string }> = [{ value, path: '' }];
  while (pending.length > 0) {
    const { value: current, path } = pending.pop()!;
    if (typeof current === 'string') {
      if (current.length > maxChars) return path || '(body)';
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => pending.push({ value: item, path: `${path}[${index}]` }));
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        const childPath = path ? `${path}.${key.slice(0, 64)}` : key.slice(0, 64);
        if (key.length > maxChars) return childPath;
        pending.push({ value: item, path: childPath });
      }
    }
  }
  return undefined;
}

async function jsonBodyPlugin(app: FastifyInstance, { config }: { config: Config }): Promise<void> {
  // Fastify's own parser keeps its __proto__ and constructor.prototype protection.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const maxDepth = config.GUARD_MAX_JSON_DEPTH;
  const maxChars = config.GUARD_MAX_FIELD_CHARS;

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, text, done) => {
    const body = text as string;
    if (exceedsDepth(body, maxDepth)) {
      done(new GuardError('GUARD_ERR_JSON_TOO_DEEP', `the JSON body nests arrays or objects deeper than ${maxDepth} levels (GUARD_MAX_JSON_DEPTH)`), undefined);
      return;
    }
    parseJson(request, body, (error, parsed) => {
      if (error) {
        done(error, undefined);
        return;
      }
      const path = findOversizedField(parsed, maxChars);
      if (path !== undefined) {
        done(
          new GuardError('GUARD_ERR_FIELD_TOO_LARGE', `${path}: longer than ${maxChars} characters (GUARD_MAX_FIELD_CHARS)`, { path }),
          undefined,
        );
        return;
      }
      done(null, parsed);
    });
  });
}

/** Parses JSON bodies with depth and field-length limits on top of the body size limit. */
export const jsonBody = fp(jsonBodyPlugin, { name: 'guard-json-body', fastify: '5.x' });
