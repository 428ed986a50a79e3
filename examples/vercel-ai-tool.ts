// A Vercel AI SDK tool whose execute function runs only after Deliberation Guard allowed the
// call. On deny, guardTool throws GuardDeniedError and the command never runs. The AI SDK
// then hands the error message, which is the guard's reason, to the model as the tool's error result.
import { tool } from 'ai';
import { z } from 'zod';
import { guardTool, type GuardClient, type Verdict } from 'deliberation-guard/client';

export interface ShellToolOptions {
  readonly client: GuardClient;
  /** The user's request, verbatim, so the guard can tell what the user asked for. */
  readonly userRequest: string;
  /** Runs the command; your own executor. */
  readonly run: (command: string) => Promise<string>;
  /** Asks a human about an escalated call; without it escalated calls are blocked. */
  readonly confirm?: (verdict: Verdict, command: string) => Promise<boolean>;
}

export function guardedShellTool({ client, userRequest, run, confirm }: ShellToolOptions) {
  const guardedRun = guardTool(({ command }: { command: string }) => run(command), {
    client,
    name: 'run_shell',
    context: { user_request: userRequest },
    ...(confirm ? { onEscalate: (verdict: Verdict, input: { command: string }) => confirm(verdict, input.command) } : {}),
  });

  return tool({
    description: 'Run a shell command in the project folder',
    inputSchema: z.object({ command: z.string().describe('The command line to run') }),
    execute: (input) => guardedRun(input),
  });
}
