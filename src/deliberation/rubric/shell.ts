/**
 * Decoding of the tricks an attacker uses to hide a command from a text match: shell quoting,
 * ANSI-C escapes, backslashes, URL and Unicode escapes, invisible characters and base64
 * payloads piped into a shell. The result is the text as the shell would run it.
 */
import { toWellFormed } from '../../unicode.ts';

/** A text after decoding, with the names of the techniques that changed it. */
export interface DecodedText {
  readonly text: string;
  readonly techniques: readonly string[];
}

/** Zero-width, bidirectional-control and other invisible code points. */
const INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0]/gu;

/** A base64 run of 8 characters or more, so that a short command such as `rm -rf ~` (12 characters encoded) is found. */
const BASE64_RUN = /[A-Za-z0-9+/]{8,}={0,2}/g;
/** A base64 decoder in the same command, which makes a base64 run worth decoding. */
const BASE64_DECODER = /base64\s+(?:-d|--decode|-D)|b64decode|base64_decode|atob\(/i;
/**
 * A sink that runs what it receives: a pipe into a shell or interpreter, eval, exec, source,
 * `sh -c`, process substitution (`sh <(…)`), or a command substitution in command position
 * (`$(…)` or backticks at the start of a command). Decoding alone is no hiding; decoding into a
 * sink is.
 */
const EXECUTING_SINK =
  /\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b|\beval\b|\bexec\b|\bsource\b|\|\s*(?:python3?|perl|ruby|node)\b|\b(?:ba|z|da|k)?sh\s+-c\b|(?:^|[;&|(]\s*)(?:\$\(|`)|\b(?:ba|z|da|k)?sh\s+<\(/i;

function removeInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}

/** Decodes `\u{…}` and `\uXXXX` escapes. An escape beyond U+10FFFF stays as written. */
function decodeUnicodeEscapes(text: string): string {
  return text
    .replace(/\\u\{([0-9a-fA-F]{1,6})\}/g, (escape: string, hex: string) => {
      const codePoint = Number.parseInt(hex, 16);
      return codePoint > 0x10ffff ? escape : String.fromCodePoint(codePoint);
    })
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

function decodeUrlEscapes(text: string): string {
  if (!/%[0-9a-fA-F]{2}/.test(text)) return text;
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** Decodes the body of a `$'...'` ANSI-C quoted string as bash does. */
function decodeAnsiC(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|.)/g, (_, code: string) => {
    const head = code[0];
    if ((head === 'x' || head === 'u' || head === 'U') && code.length > 1) {
      const codePoint = Number.parseInt(code.slice(1), 16);
      return codePoint > 0x10ffff ? `\\${code}` : String.fromCodePoint(codePoint);
    }
    if (/^[0-7]+$/.test(code)) return String.fromCharCode(Number.parseInt(code, 8));
    const named: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\u0007', b: '\b', e: '\u001b', f: '\f', v: '\v' };
    return named[code] ?? code;
  });
}

/**
 * Removes shell quoting the way the shell's word splitting does: `r''m` and `wo""rk` lose the
 * empty quotes, `$'\x72\x6d'` becomes `rm`, and a backslash before an ordinary character
 * disappears. Quotes around whole words go too, so `'DROP TABLE'` reads as DROP TABLE.
 */
function unquoteShell(text: string): string {
  let output = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (char === '$' && text[index + 1] === "'") {
      const end = text.indexOf("'", index + 2);
      if (end === -1) break;
      output += decodeAnsiC(text.slice(index + 2, end));
      index = end + 1;
    } else if (char === "'") {
      const end = text.indexOf("'", index + 1);
      if (end === -1) {
        output += text.slice(index + 1);
        break;
      }
      output += text.slice(index + 1, end);
      index = end + 1;
    } else if (char === '"') {
      let end = index + 1;
      let body = '';
      while (end < text.length && text[end] !== '"') {
        if (text[end] === '\\' && end + 1 < text.length && '"\\$`'.includes(text[end + 1] as string)) {
          body += text[end + 1];
          end += 2;
        } else {
          body += text[end];
          end += 1;
        }
      }
      output += body;
      index = end + 1;
    } else if (char === '\\' && index + 1 < text.length) {
      const next = text[index + 1] as string;
      output += next === '\n' ? '' : next;
      index += 2;
    } else {
      output += char;
      index += 1;
    }
  }
  return output;
}

function isMostlyPrintable(text: string): boolean {
  if (text.length === 0) return false;
  const printable = text.replace(/[^\x20-\x7E\n\t]/g, '').length;
  return printable / text.length > 0.9;
}

/** Decodes base64 runs when the command decodes them and runs the result, and returns the decoded texts. */
function decodeBase64Payloads(text: string): string[] {
  if (!BASE64_DECODER.test(text) || !EXECUTING_SINK.test(text)) return [];
  const payloads: string[] = [];
  for (const match of text.matchAll(BASE64_RUN)) {
    const decoded = Buffer.from(match[0], 'base64').toString('utf8');
    if (isMostlyPrintable(decoded)) payloads.push(decoded);
  }
  return payloads;
}

/**
 * Decodes a shell command or script. Base64 payloads are decoded and appended after the
 * command, so a reader sees both the wrapper and what it runs.
 */
export function decodeShell(raw: string): DecodedText {
  const techniques: string[] = [];
  let text = raw;

  const visible = removeInvisible(text);
  if (visible !== text) techniques.push('invisible characters');
  text = visible.normalize('NFKC');
  if (text !== visible) techniques.push('Unicode look-alike characters');

  const unicode = decodeUnicodeEscapes(text);
  if (unicode !== text) techniques.push('Unicode escapes');
  text = unicode;

  const url = decodeUrlEscapes(text);
  if (url !== text) techniques.push('URL escapes');
  text = url;

  const unquoted = unquoteShell(text);
  if (/\$'/.test(text)) techniques.push("ANSI-C quoting ($'...')");
  if (/[A-Za-z0-9_](?:''|"")|(?:''|"")[A-Za-z0-9_]/.test(text)) techniques.push('empty quotes inside a word');
  if (/\\[A-Za-z]/.test(text.replace(/\$'[^']*'/g, ''))) techniques.push('backslashes inside a word');
  text = unquoted.replace(/[ \t]+/g, ' ').trim();

  const payloads = decodeBase64Payloads(raw);
  if (payloads.length > 0) {
    techniques.push('base64 payload');
    const decodedPayloads = payloads.map((payload) => decodeShell(payload));
    for (const decoded of decodedPayloads) techniques.push(...decoded.techniques);
    text = [text, ...decodedPayloads.map((decoded) => decoded.text)].join('\n');
  }

  // A decoded \ud800 escape leaves an unpaired surrogate, which must not reach a stored verdict.
  return { text: toWellFormed(text), techniques: [...new Set(techniques)] };
}

/** Decodes text that is data, not shell: invisible characters and escapes, no quote removal. */
export function decodeData(raw: string): DecodedText {
  const techniques: string[] = [];
  let text = removeInvisible(raw);
  if (text !== raw) techniques.push('invisible characters');
  const unicode = decodeUnicodeEscapes(text.normalize('NFKC'));
  if (unicode !== text.normalize('NFKC')) techniques.push('Unicode escapes');
  text = unicode;
  return { text: toWellFormed(text), techniques };
}

/** Joins an argv array into one command line, quoting words that contain spaces. */
export function joinArgv(argv: readonly unknown[]): string {
  return argv
    .map((word) => String(word))
    .map((word) => (/[\s'"]/.test(word) ? `'${word.replace(/'/g, `'\\''`)}'` : word))
    .join(' ');
}
