import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { ConstitutionSchema, type LoadedConstitution } from './schema.ts';

/** Raised when a constitution file cannot be read or does not match the schema. */
export class ConstitutionFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ConstitutionFileError';
  }
}

/** Formats zod issues as `field.path: message` lines so a broken file names its field. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(top level)'}: ${issue.message}`)
    .join('; ');
}

/** Reads and validates one constitution file. The id must match the file name. */
export function loadConstitutionFile(file: string): LoadedConstitution {
  const text = readFileSync(file, 'utf8');

  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    if (error instanceof YAMLParseError) throw new ConstitutionFileError(file, `invalid YAML: ${error.message}`);
    throw error;
  }

  const parsed = ConstitutionSchema.safeParse(document);
  if (!parsed.success) throw new ConstitutionFileError(file, describeIssues(parsed.error));

  const expectedId = basename(file, extname(file));
  if (parsed.data.id !== expectedId) {
    throw new ConstitutionFileError(file, `id: "${parsed.data.id}" must match the file name "${expectedId}"`);
  }

  return { spec: parsed.data, sha256: createHash('sha256').update(text).digest('hex'), file };
}

/** Loads every `*.yaml` or `*.yml` file in a folder, keyed by constitution id. */
export function loadConstitutions(dir: string): Map<string, LoadedConstitution> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name)).sort();
  } catch (error) {
    throw new ConstitutionFileError(dir, `cannot read the constitutions folder: ${(error as Error).message}`);
  }
  if (names.length === 0) throw new ConstitutionFileError(dir, 'no constitution files (*.yaml) found');

  const constitutions = new Map<string, LoadedConstitution>();
  for (const name of names) {
    const loaded = loadConstitutionFile(join(dir, name));
    constitutions.set(loaded.spec.id, loaded);
  }
  if (!constitutions.has('default')) throw new ConstitutionFileError(dir, 'the default constitution (default.yaml) is missing');
  return constitutions;
}
