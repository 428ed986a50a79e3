import { describe, expect, it } from 'vitest';
import { SessionHistory } from '../../src/integrations/mcp/session-history.ts';
import { cutText } from '../../src/unicode.ts';

describe('MCP session history', () => {
  it('cuts a long tool result between surrogate pairs', () => {
    const history = new SessionHistory();
    // 19,999 letters and an emoji: a cut at 20,000 code units falls inside the pair.
    history.record('read_file', { content: [{ type: 'text', text: `${'a'.repeat(19_999)}\ud83d\ude00 tail` }] });
    const [turn] = history.snapshot();
    expect(turn?.content).toHaveLength(19_999);
    expect(/\p{Cs}/u.test(turn?.content ?? '')).toBe(false);
  });

  it('replaces an unpaired surrogate in a tool result', () => {
    const history = new SessionHistory();
    history.record('read_file', { content: [{ type: 'text', text: 'before \ud800 after' }] });
    expect(history.snapshot()[0]?.content).toBe('before \ufffd after');
  });
});

describe('cutText', () => {
  it.each([
    ['abc', 2, 'ab'],
    ['ab\ud83d\ude00', 3, 'ab'],
    ['ab\ud83d\ude00', 4, 'ab\ud83d\ude00'],
    ['short', 10, 'short'],
  ])('cuts %j to %i units', (text, length, expected) => {
    expect(cutText(text, length)).toBe(expected);
  });
});
