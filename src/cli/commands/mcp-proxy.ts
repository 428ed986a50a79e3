import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ConfigSchema } from '../../config/config.ts';
import { McpGateway } from '../../integrations/mcp/gateway.ts';
import { IntegrationEnvSchema, parseSettings } from '../../integrations/settings.ts';
import { openVerdictSource } from '../../integrations/verdict-source.ts';
import { createLogger } from '../../logger.ts';
import { EXIT, UsageError, type CommandIo } from '../io.ts';

export const MCP_PROXY_HELP = `Usage: deliberation-guard mcp-proxy [options] -- COMMAND [ARG...]

An MCP server over stdio that starts the MCP server COMMAND, lists its tools unchanged and
deliberates before forwarding each tools/call. Deny returns a tool error with the reason;
escalate asks the user through MCP elicitation when the client supports it and otherwise
returns a tool error; a failure to deliberate returns a tool error too. Logs go to stderr.

Options (each sets the environment variable named after it, which also works on its own):
  --url URL             ask the service at URL (DELIBERATION_GUARD_URL); without it the
                        embedded engine runs in this process
  --timeout-ms N        time budget of one deliberation in milliseconds
                        (DELIBERATION_GUARD_TIMEOUT_MS, default 20000)
  --constitution ID     constitution to deliberate under (DELIBERATION_GUARD_CONSTITUTION, default default)

DELIBERATION_GUARD_API_KEY is sent as a bearer token to a service that enforces API keys.
The embedded engine commits verdicts to DELIBERATION_GUARD_DATABASE_URL (sqlite:PATH, default
data/verdicts.sqlite in the package folder). The downstream server gets this process's environment.
`;

const VERSION = '0.1.0';

/** Splits the command line at `--` into the gateway's options and the downstream command. */
function splitCommand(argv: string[], env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; command: string[] } {
  const separator = argv.indexOf('--');
  if (separator === -1 || separator === argv.length - 1) {
    throw new UsageError('mcp-proxy needs the command that starts the MCP server after --, for example: mcp-proxy -- npx -y @modelcontextprotocol/server-filesystem .');
  }
  const { values } = parseArgs({
    args: argv.slice(0, separator),
    strict: true,
    options: { url: { type: 'string' }, 'timeout-ms': { type: 'string' }, constitution: { type: 'string' } },
  });
  const overrides = Object.entries({
    DELIBERATION_GUARD_URL: values.url,
    DELIBERATION_GUARD_TIMEOUT_MS: values['timeout-ms'],
    DELIBERATION_GUARD_CONSTITUTION: values.constitution,
  }).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return { env: { ...env, ...Object.fromEntries(overrides) }, command: argv.slice(separator + 1) };
}

/** Runs the gateway until the client or the downstream server ends the session. */
export async function runMcpProxyCommand(argv: string[], io: CommandIo): Promise<number> {
  const { env, command } = splitCommand(argv, io.env);
  const settings = parseSettings(IntegrationEnvSchema, env);
  const level = ConfigSchema.shape.LOG_LEVEL.safeParse(env.LOG_LEVEL ?? 'info');
  // stdout carries the MCP messages, so every log line goes to stderr.
  const log = createLogger(level.success ? level.data : 'info', io.stderr);

  const source = await openVerdictSource(env, settings, log);
  const downstreamEnv = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const gateway = new McpGateway({
    downstream: { command: command[0]!, args: command.slice(1), env: downstreamEnv },
    source,
    constitution: settings.DELIBERATION_GUARD_CONSTITUTION,
    timeoutMs: settings.DELIBERATION_GUARD_TIMEOUT_MS,
    version: VERSION,
    log,
  });
  try {
    await gateway.start(new StdioServerTransport(io.stdin as NodeJS.ReadStream, io.stdout as NodeJS.WriteStream));
    await gateway.closed;
    return EXIT.ok;
  } catch (error) {
    log.error({ err: error, command: command[0] }, 'MCP gateway failed');
    return EXIT.failure;
  } finally {
    await source.close();
  }
}
