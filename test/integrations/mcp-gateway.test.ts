import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema, type CallToolResult, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteVerdictStore } from '../../src/store/sqlite-store.ts';
import { SPAWN_TIMEOUT_MS, bin, childEnv, startListeningService, type ListeningService } from './helpers.ts';

const root = join(import.meta.dirname, '../..');
const fixture = join(import.meta.dirname, '../fixtures/mcp/notes-server.mjs');
const fixtureCommand = [process.execPath, fixture];

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'guard-mcp-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Session {
  client: Client;
  auditFile: string;
  /** Answers the gateway's elicitation requests get, in order; each request is recorded. */
  elicitations: { message: string }[];
  close(): Promise<void>;
}

let sessionCount = 0;

/** Starts a real MCP client on a transport that spawns `command` (the gateway or the fixture). */
async function connect(command: string[], env: Record<string, string>, answers?: ElicitResult[]): Promise<Session> {
  sessionCount += 1;
  const auditFile = join(dir, `audit-${sessionCount}.jsonl`);
  const transport = new StdioClientTransport({
    command: command[0]!,
    args: command.slice(1),
    cwd: root,
    env: childEnv({ NOTES_AUDIT_FILE: auditFile, ...env }) as Record<string, string>,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'gateway-test-client', version: '1.0.0' }, answers ? { capabilities: { elicitation: { form: {} } } } : {});
  const elicitations: { message: string }[] = [];
  if (answers) {
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      elicitations.push({ message: request.params.message });
      return answers.shift() ?? { action: 'cancel' };
    });
  }
  await client.connect(transport);
  return { client, auditFile, elicitations, close: () => client.close() };
}

function gatewayCommand(options: string[] = []): string[] {
  return [process.execPath, bin, 'mcp-proxy', ...options, '--', ...fixtureCommand];
}

function audited(session: Session): string[] {
  if (!existsSync(session.auditFile)) return [];
  return readFileSync(session.auditFile, 'utf8').trimEnd().split('\n').map((line) => (JSON.parse(line) as { tool: string }).tool);
}

function text(result: CallToolResult): string {
  return result.content.map((block) => (block.type === 'text' ? block.text : '')).join('\n');
}

async function call(session: Session, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await session.client.callTool({ name, arguments: args })) as CallToolResult;
}

describe('mcp-proxy with the embedded engine', { timeout: SPAWN_TIMEOUT_MS }, () => {
  let databaseFile: string;
  let session: Session;

  beforeAll(async () => {
    databaseFile = join(dir, 'gateway.sqlite');
    session = await connect(gatewayCommand(), { DELIBERATION_GUARD_DATABASE_URL: `sqlite:${databaseFile}` });
  });
  afterAll(async () => {
    await session.close();
  });

  async function newestRequest() {
    const store = new SqliteVerdictStore(databaseFile);
    try {
      return (await store.list({}, { limit: 1 })).items[0]!;
    } finally {
      await store.close();
    }
  }

  it('lists the downstream tools unchanged', async () => {
    const direct = await connect(fixtureCommand, {});
    try {
      const expected = await direct.client.listTools();
      const listed = await session.client.listTools();
      expect(listed.tools).toEqual(expected.tools);
      expect(listed.tools.map((tool) => tool.name)).toEqual(['read_note', 'run_command', 'delete_repository']);
    } finally {
      await direct.close();
    }
  });

  it('passes resources and prompts through', async () => {
    const resources = await session.client.listResources();
    expect(resources.resources.map((resource) => resource.uri)).toEqual(['notes://shopping-list']);
    const read = await session.client.readResource({ uri: 'notes://shopping-list' });
    expect(read.contents).toEqual([{ uri: 'notes://shopping-list', text: 'milk, bread' }]);

    const prompt = await session.client.getPrompt({ name: 'summarise_notes', arguments: { tone: 'brief' } });
    expect(prompt.messages[0]?.content).toEqual({ type: 'text', text: 'Summarise my notes in a brief tone.' });
    expect(audited(session)).toEqual([]);
  });

  it('forwards an allowed call and returns its result', async () => {
    const result = await call(session, 'read_note', { title: 'groceries' });
    expect(result.isError).toBeFalsy();
    expect(text(result)).toBe('Note "groceries": buy milk');
    expect(audited(session)).toContain('read_note');
    const { verdict, request } = await newestRequest();
    expect(verdict.decision).toBe('allow');
    expect(request.action).toMatchObject({ tool: 'read_note', input: { title: 'groceries' } });
  });

  it('returns a tool error on deny and never runs the tool', async () => {
    const result = await call(session, 'run_command', { command: 'rm -rf ~/work' });
    expect(result.isError).toBe(true);
    const { verdict } = await newestRequest();
    expect(verdict.decision).toBe('deny');
    expect(text(result)).toContain(verdict.id);
    expect(text(result)).toMatch(/denied this run_command call/);
    expect(audited(session)).not.toContain('run_command');
  });

  it('sends earlier tool results as history', async () => {
    await call(session, 'run_command', { command: 'ls -la' });
    const { request } = await newestRequest();
    expect(request.context.history).toContainEqual({ role: 'tool', name: 'read_note', content: 'Note "groceries": buy milk' });
    expect(request.context.agent_id).toBe('gateway-test-client');
    expect(request.context.metadata).toMatchObject({ integration: 'mcp-gateway', downstream_server: 'notes-fixture' });
  });

  it('blocks an escalated call when the client cannot elicit', async () => {
    const result = await call(session, 'delete_repository', { owner: 'acme', repo: 'website' });
    const { verdict } = await newestRequest();
    expect(verdict.decision, 'the rubric escalates deleting a repository the user did not mention').toBe('escalate');
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/no MCP elicitation/);
    expect(audited(session)).not.toContain('delete_repository');
  });
});

describe('mcp-proxy with an eliciting client', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('runs an escalated call only when the user approves', async () => {
    const answers: ElicitResult[] = [{ action: 'accept', content: { approve: true } }, { action: 'decline' }];
    const session = await connect(gatewayCommand(), { DELIBERATION_GUARD_DATABASE_URL: `sqlite:${join(dir, 'eliciting.sqlite')}` }, answers);
    try {
      const approved = await call(session, 'delete_repository', { owner: 'acme', repo: 'website' });
      expect(approved.isError).toBeFalsy();
      expect(text(approved)).toBe('deleted acme/website');
      expect(session.elicitations[0]?.message).toMatch(/vrd_[0-9A-Z]{26}/);

      const declined = await call(session, 'delete_repository', { owner: 'acme', repo: 'blog' });
      expect(declined.isError).toBe(true);
      expect(text(declined)).toMatch(/declined/);
      expect(audited(session)).toEqual(['delete_repository']);
    } finally {
      await session.close();
    }
  });
});

describe('mcp-proxy lifecycle', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('exits when the downstream server dies', async () => {
    const pidFile = join(dir, 'downstream.pid');
    const session = await connect(gatewayCommand(), { NOTES_PID_FILE: pidFile, DELIBERATION_GUARD_DATABASE_URL: `sqlite:${join(dir, 'lifecycle.sqlite')}` });
    const closed = new Promise<void>((resolve) => (session.client.onclose = resolve));

    process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
    await closed;
    await expect(session.client.listTools()).rejects.toThrow();
  });
});

describe('mcp-proxy against a service', { timeout: SPAWN_TIMEOUT_MS }, () => {
  let service: ListeningService;

  beforeAll(async () => {
    service = await startListeningService();
  });
  afterAll(async () => {
    await service.stop();
  });

  it('asks the service named by --url', async () => {
    const session = await connect(gatewayCommand(['--url', service.url]), {});
    try {
      const result = await call(session, 'run_command', { command: 'rm -rf ~/work' });
      expect(result.isError).toBe(true);
      const { verdict } = (await service.store.list({ tool: 'run_command' }, { limit: 1 })).items[0]!;
      expect(verdict.decision).toBe('deny');
      expect(text(result)).toContain(verdict.id);
    } finally {
      await session.close();
    }
  });

  it('blocks every call when the service is unreachable', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const session = await connect(gatewayCommand(), { DELIBERATION_GUARD_URL: `http://127.0.0.1:${port}` });
    try {
      const result = await call(session, 'read_note', { title: 'groceries' });
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(/could not deliberate about this read_note call/);
      expect(audited(session)).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
