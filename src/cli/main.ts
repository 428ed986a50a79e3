import { ConfigError } from '../config/config.ts';
import { ConstitutionFileError } from '../constitution/loader.ts';
import { DELIBERATE_HELP, runDeliberateCommand } from './commands/deliberate.ts';
import { runEvalCommand } from './commands/eval.ts';
import { HARVEST_HELP, runHarvestCommand } from './commands/harvest.ts';
import { HOOK_HELP, runHookCommand } from './commands/hook.ts';
import { KEYS_HELP, runKeysCommand } from './commands/keys.ts';
import { MCP_PROXY_HELP, runMcpProxyCommand } from './commands/mcp-proxy.ts';
import { SCHEMA_HELP, runSchemaCommand } from './commands/schema.ts';
import { SERVE_HELP, runServeCommand } from './commands/serve.ts';
import { EXIT, UsageError, type CommandIo } from './io.ts';

type Command = (argv: string[], io: CommandIo) => Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string; help?: string }> = {
  serve: { run: runServeCommand, summary: 'start the HTTP service', help: SERVE_HELP },
  deliberate: { run: runDeliberateCommand, summary: 'deliberate about one request read from a file or stdin', help: DELIBERATE_HELP },
  eval: { run: runEvalCommand, summary: 'run a labelled JSONL dataset through an engine and print accuracy figures' },
  harvest: { run: runHarvestCommand, summary: 'export training data from the verdict store', help: HARVEST_HELP },
  hook: { run: runHookCommand, summary: 'answer a Claude Code PreToolUse hook call read from stdin', help: HOOK_HELP },
  keys: { run: runKeysCommand, summary: 'create, list or revoke API keys', help: KEYS_HELP },
  'mcp-proxy': { run: runMcpProxyCommand, summary: 'guard an MCP server: deliberate before forwarding each tool call', help: MCP_PROXY_HELP },
  schema: { run: runSchemaCommand, summary: 'write the JSON Schemas and openapi.yaml', help: SCHEMA_HELP },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(12)}${command.summary}`);
  return `Usage: deliberation-guard COMMAND [options]\n\nCommands:\n${lines.join('\n')}\n\nRun deliberation-guard COMMAND --help for a command's options.\n`;
}

/** Runs one command line and returns the exit code. Usage, configuration and constitution errors are printed; others propagate. */
export async function main(argv: string[], io: CommandIo = process): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`deliberation-guard: unknown command "${name}"\n\n${usage()}`);
    return EXIT.usage;
  }
  if (command.help && (rest.includes('--help') || rest.includes('-h'))) {
    io.stdout.write(command.help);
    return EXIT.ok;
  }

  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`deliberation-guard ${name}: ${(error as Error).message}\n`);
      return EXIT.usage;
    }
    if (error instanceof ConfigError || error instanceof ConstitutionFileError) {
      io.stderr.write(`deliberation-guard ${name}: ${error.message}\n`);
      return EXIT.failure;
    }
    throw error;
  }
}
