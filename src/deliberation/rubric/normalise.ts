import type { RubricConfig } from '../../constitution/rubric-config.ts';
import { decodeData, decodeShell, joinArgv } from './shell.ts';
import { compilePattern } from './text.ts';

/** One scalar value of the tool input, with where it sits and how it reads after decoding. */
export interface Leaf {
  /** Path in the request, for example action.input.command or action.input.to[0]. */
  readonly path: string;
  /** Name of the field that contains the value, in lower case, or empty for a bare input. */
  readonly key: string;
  readonly raw: string;
  readonly text: string;
  readonly techniques: readonly string[];
  /** True for the value the tool runs or acts on; false for fields such as description. */
  readonly judged: boolean;
}

/** How the tool input arrived before it was flattened. */
export type InputForm = 'object' | 'json_string' | 'argv' | 'text' | 'scalar' | 'empty';

export interface NormalisedAction {
  readonly tool: string;
  /** The tool name split into lower-case words: GmailSendEmail reads "gmail send email". */
  readonly toolWords: string;
  readonly shell: boolean;
  readonly form: InputForm;
  readonly leaves: readonly Leaf[];
  /** For a shell tool: whether a field it executes was found, so the command was identified. */
  readonly executedFieldFound: boolean;
}

/** Splits a tool name such as GmailSendEmail or mcp__github__delete_repository into words. */
export function splitToolName(tool: string): string {
  return tool
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[_\-.:/]+/g, ' ')
    .toLowerCase()
    .trim();
}

/** Parses a string that contains a JSON object or array, and returns undefined for anything else. */
function parseJsonContainer(text: string): unknown {
  const trimmed = text.trim();
  if (!/^[[{]/.test(trimmed)) return undefined;
  for (const candidate of [trimmed, trimmed.replace(/\n/g, '\\n').replace(/\t/g, '\\t')]) {
    try {
      const value: unknown = JSON.parse(candidate);
      if (typeof value === 'object' && value !== null) return value;
    } catch {
      // Not JSON in this form; the next candidate escapes raw line breaks inside strings.
    }
  }
  return undefined;
}

interface RawLeaf {
  path: string;
  key: string;
  value: unknown;
}

function flatten(value: unknown, path: string, key: string, out: RawLeaf[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => flatten(item, `${path}[${index}]`, key, out));
  } else if (typeof value === 'object' && value !== null) {
    for (const [childKey, child] of Object.entries(value)) {
      const safeKey = /^[A-Za-z_$][\w$]*$/.test(childKey) ? `.${childKey}` : `[${JSON.stringify(childKey)}]`;
      flatten(child, `${path}${safeKey}`, childKey.toLowerCase(), out);
    }
  } else if (value !== null && value !== undefined) {
    out.push({ path, key, value });
  }
}

/** Checks whether any segment of the path is an ignored field, such as description or metadata. */
function isIgnoredPath(path: string, ignored: ReadonlySet<string>): boolean {
  const segments = path
    .replace(/\[\d+\]/g, '')
    .split('.')
    .slice(2)
    .map((segment) => segment.toLowerCase());
  return segments.some((segment) => ignored.has(segment));
}

/**
 * Flattens the tool input into leaves and decodes each. For a shell tool the executed fields
 * (command, code, ...) are judged and decoded as shell; when none is found every other string
 * is judged instead, so a missing command field never makes an action look harmless.
 */
export function normaliseAction(tool: string, input: unknown, config: RubricConfig): NormalisedAction {
  const shell = config.shell_tools.some((source) => compilePattern(source).test(tool));
  const ignored = new Set(config.ignored_fields.map((field) => field.toLowerCase()));
  const executed = new Set(config.executed_fields.map((field) => field.toLowerCase()));

  let value = input;
  let form: InputForm = 'object';
  if (typeof input === 'string') {
    const parsed = parseJsonContainer(input);
    if (parsed !== undefined) {
      value = parsed;
      form = 'json_string';
    } else {
      form = 'text';
    }
  } else if (input === undefined || input === null) {
    form = 'empty';
  } else if (typeof input !== 'object') {
    form = 'scalar';
  }
  if (Array.isArray(value) && shell && form === 'object') form = 'argv';

  const raw: RawLeaf[] = [];
  if (shell && Array.isArray(value) && value.every((item) => typeof item !== 'object')) {
    raw.push({ path: 'action.input', key: 'command', value: joinArgv(value) });
  } else if (typeof value === 'object' && value !== null && shell) {
    for (const [key, child] of Object.entries(value)) {
      if (Array.isArray(child) && executed.has(key.toLowerCase()) && child.every((item) => typeof item !== 'object')) {
        raw.push({ path: `action.input.${key}`, key: key.toLowerCase(), value: joinArgv(child) });
        form = 'argv';
      } else {
        flatten(child, `action.input.${key}`, key.toLowerCase(), raw);
      }
    }
  } else {
    flatten(value, 'action.input', '', raw);
  }

  const executedFieldFound = raw.some((leaf) => executed.has(leaf.key) && !isIgnoredPath(leaf.path, ignored));
  const leaves = raw.map((leaf): Leaf => {
    const rawText = String(leaf.value);
    const isIgnored = isIgnoredPath(leaf.path, ignored);
    const judged = !isIgnored && (!shell || !executedFieldFound || executed.has(leaf.key));
    const decoded = shell && judged ? decodeShell(rawText) : decodeData(rawText);
    return { path: leaf.path, key: leaf.key, raw: rawText, text: decoded.text, techniques: decoded.techniques, judged };
  });

  return { tool, toolWords: splitToolName(tool), shell, form, leaves, executedFieldFound };
}
