import { describeFailure } from './failure.ts';
import { EXIT, type CommandIo } from './io.ts';

type Command = (argv: string[], io: CommandIo) => Promise<number>;

/** A command's entry point and, for commands that print their own, the text of `--help`. */
interface CommandModule {
  run: Command;
  help?: string;
}

/**
 * The commands, each loaded by a dynamic import when it runs, so a command pays only for its
 * own dependencies. The hook runs once per agent tool call and must not load the HTTP server,
 * the dashboard bundler or the LLM SDKs that other commands need.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  serve: {
    summary: 'start the HTTP service',
    load: () => import('./commands/serve.ts').then((module) => ({ run: module.runServeCommand, help: module.SERVE_HELP })),
  },
  deliberate: {
    summary: 'deliberate about one request read from a file or stdin',
    load: () => import('./commands/deliberate.ts').then((module) => ({ run: module.runDeliberateCommand, help: module.DELIBERATE_HELP })),
  },
  eval: {
    summary: 'run a labelled JSONL dataset through an engine and print accuracy figures',
    load: () => import('./commands/eval.ts').then((module) => ({ run: module.runEvalCommand })),
  },
  harvest: {
    summary: 'export training data from the verdict store',
    load: () => import('./commands/harvest.ts').then((module) => ({ run: module.runHarvestCommand, help: module.HARVEST_HELP })),
  },
  hook: {
    summary: 'answer a Claude Code PreToolUse hook call read from stdin',
    load: () => import('./commands/hook.ts').then((module) => ({ run: module.runHookCommand, help: module.HOOK_HELP })),
  },
  keys: {
    summary: 'create, list or revoke API keys',
    load: () => import('./commands/keys.ts').then((module) => ({ run: module.runKeysCommand, help: module.KEYS_HELP })),
  },
  'mcp-proxy': {
    summary: 'guard an MCP server: deliberate before forwarding each tool call',
    load: () => import('./commands/mcp-proxy.ts').then((module) => ({ run: module.runMcpProxyCommand, help: module.MCP_PROXY_HELP })),
  },
  schema: {
    summary: 'write the JSON Schemas and openapi.yaml',
    load: () => import('./commands/schema.ts').then((module) => ({ run: module.runSchemaCommand, help: module.SCHEMA_HELP })),
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(12)}${command.summary}`);
  return `Usage: deliberation-guard COMMAND [options]\n\nCommands:\n${lines.join('\n')}\n\nRun deliberation-guard COMMAND --help for a command's options.\n`;
}

/**
 * Runs one command line and returns the exit code. Errors the user can fix (usage, settings,
 * constitutions, unreadable files, a busy port) are printed as one line, and others propagate.
 */
export async function main(argv: string[], io: CommandIo = process): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return name ? EXIT.ok : EXIT.usage;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr.write(`deliberation-guard: unknown command "${name}"\n\n${usage()}`);
    return EXIT.usage;
  }
  const command = await entry.load();
  if (command.help && (rest.includes('--help') || rest.includes('-h'))) {
    io.stdout.write(command.help);
    return EXIT.ok;
  }

  try {
    return await command.run(rest, io);
  } catch (error) {
    const failure = await describeFailure(error);
    if (failure === undefined) throw error;
    io.stderr.write(`deliberation-guard ${name}: ${failure.message}\n`);
    return failure.exitCode;
  }
}
