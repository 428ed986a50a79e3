import { describe, expect, it } from 'vitest';
import { compilePattern } from '../../src/deliberation/rubric/text.ts';

describe('constitution patterns', () => {
  it('compiles ASCII patterns without Unicode mode', () => {
    expect(compilePattern(String.raw`\brm\s+-rf\b`).flags).toBe('i');
  });

  it.each([String.raw`\p{Lu}{3}`, String.raw`\u{1F600}`, 'straße'])('keeps Unicode mode for %s', (source) => {
    expect(compilePattern(source).flags).toBe('iu');
  });

  it('matches Unicode property escapes and non-ASCII letters', () => {
    expect(compilePattern(String.raw`^\p{Lu}{3}$`).test('ÄÖÜ')).toBe(true);
    expect(compilePattern('hauptstraße').test('HAUPTSTRAßE 12')).toBe(true);
  });

  it('matches ASCII patterns case-insensitively', () => {
    expect(compilePattern(String.raw`\bdrop\s+table\b`).test('DROP TABLE users')).toBe(true);
  });
});
