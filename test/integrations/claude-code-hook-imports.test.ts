import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreToolUseOutputSchema } from '../../src/integrations/claude-code/hook-schema.ts';
import { SPAWN_TIMEOUT_MS, childEnv, hookInput, runCli, startListeningService, type CliResult, type ListeningService } from './helpers.ts';

// The hook runs once per agent tool call, so every module it loads costs start-up time on
// each call. These tests run the real CLI with a module loader hook that appends the URL of
// every resolved import to a file, then check which modules were loaded.

/** Registers the recording hook, which Node runs through `--import` before the CLI registers tsx. */
const REGISTER_SOURCE = `import { register } from 'node:module';
register('./record-imports.mjs', import.meta.url);
`;

/** Appends each resolved URL to the file named by IMPORT_LOG. Node runs it on its loader hooks thread. */
const RECORD_SOURCE = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  appendFileSync(process.env.IMPORT_LOG, result.url + '\\n');
  return result;
}
`;

/** Packages of the HTTP server, the stores, the LLM engines and the harvest, none of which the hook needs when it posts to a service. */
const SERVER_PACKAGES = [
  'fastify',
  'mercurius',
  'graphql',
  'prom-client',
  'pg',
  'better-sqlite3',
  'yaml',
  'gpt-tokenizer',
  '@anthropic-ai/sdk',
  'openai',
  '@modelcontextprotocol/sdk',
];

/** Source folders and files of the same, relative to src/. */
const SERVER_SOURCES = ['api/', 'graphql/', 'dashboard/', 'store/', 'harvest/', 'deliberation/llm/', 'deliberation/rubric/', 'service.ts'];

const HOOK = ['hook', 'claude-code'];
const STDIN = JSON.stringify(hookInput('Bash', { command: 'rm -rf ~/work', description: 'Remove old work dir' }));
const SRC_URL = pathToFileURL(join(import.meta.dirname, '../../src')).href + '/';

let dir: string;
let service: ListeningService;
let runCount = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'guard-hook-imports-'));
  writeFileSync(join(dir, 'register-imports.mjs'), REGISTER_SOURCE);
  writeFileSync(join(dir, 'record-imports.mjs'), RECORD_SOURCE);
  service = await startListeningService();
});
afterAll(async () => {
  await service.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI with the recording hook and returns its result and the URLs it resolved. */
async function runRecorded(args: string[], env: Record<string, string>): Promise<{ result: CliResult; urls: Set<string> }> {
  runCount += 1;
  const log = join(dir, `imports-${runCount}.log`);
  writeFileSync(log, '');
  const register = pathToFileURL(join(dir, 'register-imports.mjs')).href;
  const result = await runCli(args, STDIN, childEnv({ ...env, IMPORT_LOG: log, NODE_OPTIONS: `--import=${register}` }));
  const urls = new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean));
  return { result, urls };
}

function loadedPackages(urls: Set<string>, names: readonly string[]): string[] {
  return names.filter((name) => [...urls].some((url) => url.includes(`/node_modules/${name}/`)));
}

function loadedSources(urls: Set<string>, paths: readonly string[]): string[] {
  return paths.filter((path) => [...urls].some((url) => url.startsWith(SRC_URL + path)));
}

function expectDeny(result: CliResult): void {
  expect(result.code, result.stderr).toBe(0);
  const output = PreToolUseOutputSchema.parse(JSON.parse(result.stdout));
  expect(output.hookSpecificOutput?.permissionDecision).toBe('deny');
}

describe('hook claude-code imports', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('loads no server stack against a service', async () => {
    const { result, urls } = await runRecorded(HOOK, { DELIBERATION_GUARD_URL: service.url });
    expectDeny(result);

    // These fail when the recording hook saw nothing, which would let the checks below pass trivially.
    expect(urls).toContain(`${SRC_URL}cli/commands/hook.ts`);
    expect(urls).toContain(`${SRC_URL}client/guard-client.ts`);

    expect(loadedPackages(urls, SERVER_PACKAGES)).toEqual([]);
    expect(loadedSources(urls, SERVER_SOURCES)).toEqual([]);
    expect([...urls].filter((url) => url.startsWith(`${SRC_URL}cli/commands/`))).toEqual([`${SRC_URL}cli/commands/hook.ts`]);
  });

  it('loads no LLM SDK on the embedded rubric engine', async () => {
    const env = {
      DELIBERATION_GUARD_DATABASE_URL: `sqlite:${join(dir, 'embedded.sqlite')}`,
      GUARD_ENGINE: 'rubric',
      // Both LLM engines are configured, as on a developer machine with a key set, but neither is called.
      ANTHROPIC_API_KEY: 'sk-ant-test-not-used',
      GUARD_OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      GUARD_OPENAI_MODEL: 'not-used',
    };
    const { result, urls } = await runRecorded(HOOK, env);
    expectDeny(result);

    expect(urls).toContain(`${SRC_URL}deliberation/rubric/rubric-engine.ts`);
    expect(loadedPackages(urls, ['@anthropic-ai/sdk', 'openai', '@modelcontextprotocol/sdk'])).toEqual([]);
    expect(loadedSources(urls, ['deliberation/llm/anthropic-judge.ts', 'deliberation/llm/openai-judge.ts'])).toEqual([]);
  });

  it('loads no command module for --help', async () => {
    const { result, urls } = await runRecorded(['--help'], {});
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Usage: deliberation-guard COMMAND');

    expect(urls).toContain(`${SRC_URL}cli/main.ts`);
    expect(loadedSources(urls, ['cli/commands/', ...SERVER_SOURCES])).toEqual([]);
    expect(loadedPackages(urls, SERVER_PACKAGES)).toEqual([]);
  });
});
