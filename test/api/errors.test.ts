import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '../../src/api/errors.ts';

describe('error catalogue', () => {
  const docs = readFileSync(join(import.meta.dirname, '../../docs/errors.md'), 'utf8');

  it('documents every code with its status', () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOG)) {
      expect(docs).toContain(`| \`${code}\` | ${entry.status} |`);
    }
  });

  it('uses the service prefix for every code', () => {
    for (const code of Object.keys(ERROR_CATALOG)) expect(code).toMatch(/^GUARD_ERR_[A-Z_]+$/);
  });
});
