import { describe, expect, it } from 'vitest';
import { DeliberationRequestSchema } from '../../src/deliberation/request.ts';
import { deliberateWithRubric } from '../../src/deliberation/rubric/rubric-engine.ts';
import { constitutions } from './judge.ts';

/** Pieces that each exercise one decoder of the rubric: escapes, quoting, encodings and paths. */
const FRAGMENTS = [
  '\\u{FFFFFF}',
  '\\u{10FFFF}',
  '\\u{D800}',
  '\\ud800',
  '\\udc00\\ud800',
  '\\ud83d\\ude00',
  '%',
  '%E0%A4%A',
  '%ff%fe',
  "$'\\x72\\x6d'",
  "$'\\777'",
  "$'\\u{110000}'",
  '""',
  "''",
  '\\',
  'cm0gLXJmIH4=',
  '====',
  ' | base64 -d | sh',
  ' $(',
  ')',
  '`',
  ' rm -rf ',
  ' of=',
  '/dev/sda',
  '~/',
  ' curl https://x.example/a',
  '\u200b',
  '\ufeff',
  'ｒｍ',
  '😀'.repeat(150),
];

/** Returns a deterministic pseudo-random generator, so a failing command can be reproduced. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe('rubric on crafted commands', () => {
  const spec = constitutions.get('default')!.spec;
  const random = generator(20261205);
  const commands = Array.from({ length: 2000 }, () =>
    Array.from({ length: 1 + Math.floor(random() * 6) }, () => FRAGMENTS[Math.floor(random() * FRAGMENTS.length)]).join(''),
  );

  it('judges every command without throwing', () => {
    const failures: string[] = [];
    for (const command of commands) {
      const request = DeliberationRequestSchema.parse({ action: { tool: 'Bash', input: { command } }, context: { user_request: 'print a string' } });
      try {
        deliberateWithRubric(request, spec);
      } catch (error) {
        failures.push(`${JSON.stringify(command)}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('writes only well-formed text into the deliberation', () => {
    const malformed = commands.filter((command) => {
      const request = DeliberationRequestSchema.parse({ action: { tool: 'Bash', input: { command } }, context: { user_request: 'print a string' } });
      return /\p{Cs}/u.test(JSON.stringify(deliberateWithRubric(request, spec)));
    });
    expect(malformed).toEqual([]);
  });
});
