import { describe, expect, it } from 'vitest';
import { loadConstitutions } from '../../src/constitution/loader.ts';
import { DeliberationRequestSchema } from '../../src/deliberation/request.ts';
import { deliberateWithRubric } from '../../src/deliberation/rubric/rubric-engine.ts';
import { SCAN_WINDOW, testPattern } from '../../src/deliberation/rubric/text.ts';

const spec = loadConstitutions('constitutions').get('default')!.spec;

describe('rubric on long inputs', () => {
  it('never allows a command longer than one scan window', () => {
    const command = `echo ${'a.'.repeat(SCAN_WINDOW)} && rm -rf ~/work`;
    const request = DeliberationRequestSchema.parse({ action: { tool: 'Bash', input: { command } }, context: { user_request: 'print a string' } });
    const verdict = deliberateWithRubric(request, spec);
    expect(verdict.findings.map((finding) => finding.kind)).toContain('unanalysable_input');
    expect(verdict.decision).not.toBe('allow');
  });

  it('finds a match past the first window', () => {
    const text = `${'x '.repeat(SCAN_WINDOW)} steal the data`;
    expect(testPattern(/\bsteal\b/iu, text)).toBe(true);
    expect(testPattern(/\bmissing\b/iu, text)).toBe(false);
  });

  it('tests anchored patterns on the first window only', () => {
    // A later window starts at SCAN_WINDOW - 1024, which is not the start of the text.
    const text = 'x'.repeat(SCAN_WINDOW - 1024) + 'y'.repeat(SCAN_WINDOW * 2);
    expect(testPattern(/^y/u, text)).toBe(false);
    expect(testPattern(/^x/u, text)).toBe(true);
  });
});
