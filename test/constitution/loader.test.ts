import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConstitutionFileError, loadConstitutions } from '../../src/constitution/loader.ts';

const shipped = join(import.meta.dirname, '../../constitutions');

function copyOfShipped(): string {
  const dir = mkdtempSync(join(tmpdir(), 'guard-constitutions-'));
  cpSync(shipped, dir, { recursive: true });
  return dir;
}

describe('constitution loader', () => {
  it('loads every shipped constitution with a content hash', () => {
    const constitutions = loadConstitutions(shipped);
    expect(constitutions.has('default')).toBe(true);
    expect(constitutions.size).toBeGreaterThanOrEqual(3);
    for (const loaded of constitutions.values()) expect(loaded.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names the file and the field of a broken constitution', () => {
    const dir = copyOfShipped();
    const file = join(dir, 'default.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/deny_at: [0-9.]+/, 'deny_at: 7'));
    expect(() => loadConstitutions(dir)).toThrow(ConstitutionFileError);
    expect(() => loadConstitutions(dir)).toThrow(/default\.yaml: thresholds\.deny_at/);
  });

  it('names the file of invalid YAML', () => {
    const dir = copyOfShipped();
    writeFileSync(join(dir, 'broken.yaml'), 'id: [unclosed');
    expect(() => loadConstitutions(dir)).toThrow(/broken\.yaml: invalid YAML/);
  });

  it('requires the id to match the file name', () => {
    const dir = copyOfShipped();
    writeFileSync(join(dir, 'other.yaml'), readFileSync(join(dir, 'default.yaml'), 'utf8'));
    expect(() => loadConstitutions(dir)).toThrow(/other\.yaml: id: "default" must match the file name "other"/);
  });

  it('requires a default constitution', () => {
    const dir = mkdtempSync(join(tmpdir(), 'guard-constitutions-'));
    writeFileSync(join(dir, 'payments.yaml'), readFileSync(join(shipped, 'default.yaml'), 'utf8').replace(/^id: default$/m, 'id: payments'));
    expect(() => loadConstitutions(dir)).toThrow(/default constitution/);
  });
});
