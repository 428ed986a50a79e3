import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConstitutionSchema } from '../../constitution/schema.ts';
import { DeliberationRequestSchema } from '../../deliberation/request.ts';
import { VerdictSchema } from '../../deliberation/verdict.ts';
import { EXIT, UsageError, type CommandIo } from '../io.ts';
import { renderOpenApi } from '../../api/openapi.ts';

export const SCHEMA_HELP = `Usage: deliberation-guard schema --out DIR [--openapi FILE]

Writes the JSON Schemas derived from the zod types to DIR and the OpenAPI document of the
REST API to FILE (default openapi.yaml). npm run schema regenerates the committed copies.
`;

const BANNER = 'Generated from the zod schemas by `npm run schema`; do not edit.';

/** The JSON Schemas published in schema/, keyed by file name. */
export function jsonSchemas(): Record<string, unknown> {
  const generate = (schema: z.ZodType, io: 'input' | 'output'): unknown => ({
    $comment: BANNER,
    ...z.toJSONSchema(schema, { io, unrepresentable: 'any' }),
  });
  return {
    'deliberation-request.schema.json': generate(DeliberationRequestSchema, 'input'),
    'verdict.schema.json': generate(VerdictSchema, 'output'),
    'constitution.schema.json': generate(ConstitutionSchema, 'input'),
  };
}

export async function runSchemaCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { out: { type: 'string' }, openapi: { type: 'string', default: 'openapi.yaml' } },
  });
  if (!values.out) throw new UsageError('schema needs --out DIR');
  mkdirSync(values.out, { recursive: true });
  for (const [name, schema] of Object.entries(jsonSchemas())) {
    writeFileSync(join(values.out, name), `${JSON.stringify(schema, null, 2)}\n`);
  }
  writeFileSync(values.openapi, await renderOpenApi());
  io.stderr.write(`wrote ${Object.keys(jsonSchemas()).length} JSON Schemas to ${values.out} and ${values.openapi}\n`);
  return EXIT.ok;
}
