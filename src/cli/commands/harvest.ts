import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/config.ts';
import { exportTrainingData } from '../../harvest/export.ts';
import { createCore } from '../../service.ts';
import { VerdictFilterSchema } from '../../store/store.ts';
import { EXIT, UsageError, type CommandIo } from '../io.ts';

export const HARVEST_HELP = `Usage: deliberation-guard harvest --out FILE [filters]

Writes training-eligible verdicts from DATABASE_URL as NDJSON chat examples (the same
lines as GET /v1/training-data/export), oldest first.

Options:
  --out FILE             where to write; - for standard output (required)
  --decision D           allow, deny or escalate
  --constitution ID      one constitution id
  --tool NAME            one tool name
  --since TIME           ISO 8601 time, inclusive
  --until TIME           ISO 8601 time, exclusive
`;

export async function runHarvestCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      out: { type: 'string' },
      decision: { type: 'string' },
      constitution: { type: 'string' },
      tool: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
    },
  });
  const { out, ...filterOptions } = values;
  if (!out) throw new UsageError('harvest needs --out FILE (or --out - for standard output)');
  const filter = VerdictFilterSchema.safeParse(filterOptions);
  if (!filter.success) {
    throw new UsageError(filter.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('; '));
  }

  const { deliberator, store } = await createCore(loadConfig(io.env));
  let count = 0;
  async function* counted(): AsyncGenerator<string> {
    for await (const line of exportTrainingData(store, deliberator.constitutions, filter.data!)) {
      count += 1;
      yield line;
    }
  }
  try {
    await pipeline(Readable.from(counted()), out === '-' ? io.stdout : createWriteStream(out));
  } finally {
    await store.close();
  }
  io.stderr.write(`wrote ${count} training examples to ${out === '-' ? 'standard output' : out}\n`);
  return EXIT.ok;
}
