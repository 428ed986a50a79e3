import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readableIssueMessage } from '../../api/errors.ts';
import { UNPAIRED_SURROGATE_PROBLEM, findUnpairedSurrogate } from '../../api/plugins/json-scan.ts';
import { loadConfig } from '../../config/config.ts';
import { DeliberationRequestSchema } from '../../deliberation/request.ts';
import { createLogger } from '../../logger.ts';
import { createCore } from '../../core.ts';
import { systemErrorReason } from '../failure.ts';
import { UsageError, readAll, type CommandIo } from '../io.ts';

export const DELIBERATE_HELP = `Usage: deliberation-guard deliberate [FILE]

Reads one deliberation request (JSON, the body of POST /v1/deliberations) from FILE or,
without FILE or with -, from standard input. Prints the verdict as JSON and stores it in
DATABASE_URL like the service does. Exits 0 on allow, 3 on deny, 4 on escalate, 2 when
FILE cannot be read, the request is invalid or names an unknown constitution, and 1 on an
invalid setting or another failure.
`;

const DECISION_EXIT = { allow: 0, deny: 3, escalate: 4 } as const;

function parseRequest(text: string, source: string): ReturnType<typeof DeliberationRequestSchema.parse> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source}: invalid JSON: ${(error as Error).message}`);
  }
  // A lone surrogate is rejected as the service rejects it, because the store would keep it for harvest to export.
  const surrogatePath = findUnpairedSurrogate(text, json);
  if (surrogatePath !== undefined) throw new UsageError(`${source}: invalid request: ${surrogatePath}: ${UNPAIRED_SURROGATE_PROBLEM}`);
  const parsed = DeliberationRequestSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(request)'}: ${readableIssueMessage(issue.code, issue.message)}`);
    throw new UsageError(`${source}: invalid request: ${issues.join('; ')}`);
  }
  return parsed.data;
}

/** Reads the request file, raising a UsageError when it cannot be read, because FILE is a bad argument then. */
async function readRequestFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${file}: cannot read the request file: ${systemErrorReason(error)}`);
  }
}

export async function runDeliberateCommand(argv: string[], io: CommandIo): Promise<number> {
  const { positionals } = parseArgs({ args: argv, options: {}, allowPositionals: true, strict: true });
  if (positionals.length > 1) throw new UsageError('deliberate takes at most one FILE');
  const file = positionals[0] ?? '-';
  const text = file === '-' ? await readAll(io.stdin) : await readRequestFile(file);
  const request = parseRequest(text, file === '-' ? 'stdin' : file);

  const config = loadConfig(io.env);
  // Logs go to stderr so stdout carries only the verdict.
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, process.stderr);
  const { deliberator, store } = await createCore(config);
  try {
    const verdict = await deliberator.deliberate(request, logger);
    io.stdout.write(`${JSON.stringify(verdict, null, 2)}\n`);
    return DECISION_EXIT[verdict.decision];
  } finally {
    await store.close();
  }
}

