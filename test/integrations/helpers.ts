import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { startTestService, type TestService } from '../helpers/service.ts';

export const bin = join(import.meta.dirname, '../../bin/deliberation-guard.js');

/** Per-test budget of tests that start Node processes, which take seconds each on a loaded 2-core machine. */
export const SPAWN_TIMEOUT_MS = 90_000;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Runs the real command-line tool as a child process with the given stdin and environment. */
export async function runCli(args: string[], stdin: string, env: NodeJS.ProcessEnv): Promise<CliResult> {
  const started = Date.now();
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr, elapsedMs: Date.now() - started };
}

/** A real service listening on a free port of 127.0.0.1. */
export interface ListeningService extends TestService {
  readonly url: string;
}

export async function startListeningService(env: Record<string, string> = {}): Promise<ListeningService> {
  const service = await startTestService(env);
  await service.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = service.app.server.address() as AddressInfo;
  return { ...service, url: `http://127.0.0.1:${port}` };
}

/** A TCP listener on 127.0.0.1 that accepts connections and never answers. */
export async function startHangingListener(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The environment of a child process: this one's, without variables that would change the hook. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('DELIBERATION_GUARD_')));
  return { ...env, LOG_LEVEL: 'warn', ...extra };
}

/** A PreToolUse hook input shaped like the ones Claude Code sends. */
export function hookInput(toolName: string, toolInput: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    session_id: 'sess-test-0001',
    transcript_path: '/nonexistent/transcript.jsonl',
    cwd: '/home/dev/project',
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: toolName,
    tool_input: toolInput,
    tool_use_id: 'toolu_test_0001',
    ...extra,
  };
}

/** Real-shaped inputs of the tools the hook sees most, with an MCP tool. */
export const TOOL_CALLS: ReadonlyArray<{ name: string; input: Record<string, unknown> }> = [
  { name: 'Bash', input: { command: 'rm -rf ~/work', description: 'Remove old work dir' } },
  { name: 'Write', input: { file_path: '/home/dev/project/src/config.ts', content: 'export const retries = 3;\n' } },
  { name: 'Edit', input: { file_path: '/home/dev/project/src/config.ts', old_string: 'retries = 3', new_string: 'retries = 5', replace_all: false } },
  { name: 'WebFetch', input: { url: 'https://docs.example/api', prompt: 'Summarise the authentication section' } },
  { name: 'mcp__server__tool', input: { query: 'open issues labelled bug' } },
];
