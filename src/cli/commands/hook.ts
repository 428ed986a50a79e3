import { parseArgs } from 'node:util';
import { ConfigSchema } from '../../config/config.ts';
import { blockingHookOutput } from '../../integrations/claude-code/hook-answer.ts';
import { failureModeFrom } from '../../integrations/claude-code/hook-options.ts';
import { answerPreToolUse } from '../../integrations/claude-code/run-hook.ts';
import { createLogger } from '../../logger.ts';
import { EXIT, readAll, type CommandIo } from '../io.ts';

export const HOOK_HELP = `Usage: deliberation-guard hook claude-code [options]

A Claude Code PreToolUse command hook. Reads the hook input (JSON) from stdin and prints one
line of JSON: deny with the reason for a deny verdict, ask for escalate, and no decision for
allow, so Claude Code's own permission rules still apply. It always exits 0; when no verdict
can be obtained it prints the failure mode (deny unless set to ask). Logs go to stderr.

Options (each sets the environment variable named after it, which also works on its own):
  --url URL             ask the service at URL (DELIBERATION_GUARD_URL); without it the
                        embedded engine runs in this process
  --timeout-ms N        time budget in milliseconds, below the hook timeout in settings.json
                        (DELIBERATION_GUARD_TIMEOUT_MS, default 20000)
  --constitution ID     constitution to deliberate under (DELIBERATION_GUARD_CONSTITUTION, default default)
  --explicit-allow      print allow for an allow verdict, which skips the permission prompt
                        (DELIBERATION_GUARD_EXPLICIT_ALLOW=true)
  --on-failure MODE     deny or ask when no verdict can be obtained (DELIBERATION_GUARD_ON_FAILURE)
  --no-transcript       do not read the session transcript (DELIBERATION_GUARD_TRANSCRIPT=false)

DELIBERATION_GUARD_API_KEY is sent as a bearer token to a service that enforces API keys.
The embedded engine commits verdicts to DELIBERATION_GUARD_DATABASE_URL (sqlite:PATH, default
data/verdicts.sqlite in the package folder).
`;

const OPTIONS = {
  url: { type: 'string' },
  'timeout-ms': { type: 'string' },
  constitution: { type: 'string' },
  'explicit-allow': { type: 'boolean' },
  'on-failure': { type: 'string' },
  'no-transcript': { type: 'boolean' },
} as const;

/** Writes the command line's flags over the environment, so one schema validates both. */
function settingsEnv(argv: string[], env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  if (positionals.length !== 1 || positionals[0] !== 'claude-code') {
    throw new Error(`hook needs the agent name claude-code (got ${positionals.join(' ') || 'none'})`);
  }
  const overrides: Record<string, string | undefined> = {
    DELIBERATION_GUARD_URL: values.url,
    DELIBERATION_GUARD_TIMEOUT_MS: values['timeout-ms'],
    DELIBERATION_GUARD_CONSTITUTION: values.constitution,
    DELIBERATION_GUARD_EXPLICIT_ALLOW: values['explicit-allow'] ? 'true' : undefined,
    DELIBERATION_GUARD_ON_FAILURE: values['on-failure'],
    DELIBERATION_GUARD_TRANSCRIPT: values['no-transcript'] ? 'false' : undefined,
  };
  const defined = Object.entries(overrides).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return { ...env, ...Object.fromEntries(defined) };
}

/**
 * Runs the command hook. stdout receives exactly one line of JSON whatever happens, because
 * Claude Code lets the tool run when a hook exits with a code other than 0 or 2.
 */
export async function runHookCommand(argv: string[], io: CommandIo): Promise<number> {
  const level = ConfigSchema.shape.LOG_LEVEL.safeParse(io.env.LOG_LEVEL ?? 'warn');
  const log = createLogger(level.success ? level.data : 'warn', io.stderr);
  const stdinText = await readAll(io.stdin).catch(() => '');

  let output;
  try {
    output = await answerPreToolUse(stdinText, settingsEnv(argv, io.env), log);
  } catch (error) {
    log.error({ err: error }, 'invalid hook command line, so the failure mode decides');
    output = blockingHookOutput('tool', `invalid hook command line: ${(error as Error).message}`, failureModeFrom(io.env));
  }
  io.stdout.write(`${JSON.stringify(output)}\n`);
  return EXIT.ok;
}
