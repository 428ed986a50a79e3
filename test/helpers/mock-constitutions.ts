import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { FailMode } from '../../src/constitution/schema.ts';

const DEFAULT_FILE = join(import.meta.dirname, '../../constitutions/default.yaml');

export const FAIL_MODES: readonly FailMode[] = ['deny', 'escalate', 'rubric'];

/**
 * Writes a temp constitutions folder: the default constitution, plus one copy of it per fail
 * mode with the id `fail-<mode>`. Returns the folder.
 */
export function writeFailModeConstitutions(): string {
  const dir = mkdtempSync(join(tmpdir(), 'guard-constitutions-'));
  const text = readFileSync(DEFAULT_FILE, 'utf8');
  writeFileSync(join(dir, 'default.yaml'), text);
  for (const mode of FAIL_MODES) {
    const document = parseDocument(text);
    document.set('id', `fail-${mode}`);
    document.set('fail_mode', mode);
    writeFileSync(join(dir, `fail-${mode}.yaml`), document.toString());
  }
  return dir;
}
