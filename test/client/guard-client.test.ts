import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The package's own export, resolved to the build in dist/ as a consumer would import it.
import {
  GuardClient,
  GuardDeniedError,
  GuardEscalatedError,
  GuardRequestError,
  GuardUnavailableError,
  VerdictSchema,
  guardTool,
} from 'deliberation-guard/client';
import { startHangingListener, startListeningService, type ListeningService } from '../integrations/helpers.ts';

let service: ListeningService;
let client: GuardClient;

beforeAll(async () => {
  service = await startListeningService();
  client = new GuardClient({ baseUrl: service.url, timeoutMs: 5_000 });
});
afterAll(async () => {
  await service.stop();
});

/** A loopback server that answers every request with one fixed status and body. */
async function startFixedServer(status: number, body: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const DELETE_REPOSITORY = { tool: 'delete_repository', input: { owner: 'acme', repo: 'website' } };

describe('deliberation-guard/client in a consumer project', () => {
  it('imports and checks with plain Node', async () => {
    const project = mkdtempSync(join(tmpdir(), 'guard-consumer-'));
    try {
      mkdirSync(join(project, 'node_modules'));
      symlinkSync(join(import.meta.dirname, '../..'), join(project, 'node_modules/deliberation-guard'), 'dir');
      const script = join(project, 'check.mjs');
      writeFileSync(
        script,
        [
          "import { GuardClient } from 'deliberation-guard/client';",
          'const guard = new GuardClient({ baseUrl: process.argv[2] });',
          "const verdict = await guard.check({ tool: 'Bash', input: { command: 'ls -la' } }, { user_request: 'List the files here' });",
          'console.log(verdict.decision);',
        ].join('\n'),
      );
      const { stdout } = await promisify(execFile)(process.execPath, [script, service.url], { cwd: project });
      expect(stdout.trim()).toBe('allow');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});

describe('GuardClient.check', () => {
  it('returns the committed verdict', async () => {
    const verdict = await client.check({ tool: 'Bash', input: { command: 'rm -rf ~/work' } }, { user_request: 'Tidy my home directory a bit' });
    expect(VerdictSchema.parse(verdict)).toEqual(verdict);
    expect(verdict.decision).toBe('deny');
    const stored = await service.store.get(verdict.id);
    expect(stored?.request.context.user_request).toBe('Tidy my home directory a bit');
  });

  it('sends an engine deadline inside its own timeout', async () => {
    const verdict = await client.check({ tool: 'Bash', input: { command: 'ls -la' } });
    expect(verdict.decision).toBe('allow');
    expect((await service.store.get(verdict.id))?.request.deadline_ms).toBe(4_000);
  });

  it('throws GuardRequestError with the code on a 4xx', async () => {
    const error = await client.check({ tool: 'Bash', input: { command: 'ls' } }, {}, { constitution: 'missing' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GuardRequestError);
    expect((error as GuardRequestError).status).toBe(404);
    expect((error as GuardRequestError).code).toBe('GUARD_ERR_CONSTITUTION_NOT_FOUND');
  });

  it('throws GuardUnavailableError when nothing listens', async () => {
    const closed = await startFixedServer(200, '{}');
    await closed.close();
    const error = await new GuardClient({ baseUrl: closed.url }).check(DELETE_REPOSITORY).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GuardUnavailableError);
    expect((error as Error).message).toContain(`${closed.url}/v1/deliberations failed`);
  });

  it('throws GuardUnavailableError when the service hangs', async () => {
    const listener = await startHangingListener();
    try {
      const error = await new GuardClient({ baseUrl: listener.url, timeoutMs: 300 }).check(DELETE_REPOSITORY).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(GuardUnavailableError);
      expect((error as Error).message).toContain('timed out after 300 ms');
    } finally {
      await listener.close();
    }
  });

  it('rejects a 2xx body that is not a valid verdict', async () => {
    const fake = await startFixedServer(200, JSON.stringify({ decision: 'allow' }));
    try {
      const error = await new GuardClient({ baseUrl: fake.url }).check(DELETE_REPOSITORY).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(GuardUnavailableError);
      expect((error as Error).message).toContain('invalid verdict');
    } finally {
      await fake.close();
    }
  });

  it('throws GuardUnavailableError on a 503', async () => {
    const fake = await startFixedServer(503, JSON.stringify({ error: { code: 'GUARD_ERR_STORE_UNAVAILABLE', message: 'store down' } }));
    try {
      const error = await new GuardClient({ baseUrl: fake.url }).check(DELETE_REPOSITORY).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(GuardUnavailableError);
      expect((error as GuardUnavailableError).status).toBe(503);
      expect((error as Error).message).toContain('GUARD_ERR_STORE_UNAVAILABLE');
    } finally {
      await fake.close();
    }
  });
});

describe('guardTool', () => {
  function recordingTool() {
    const calls: unknown[] = [];
    const fn = async (args: Record<string, unknown>) => {
      calls.push(args);
      return 'done';
    };
    return { calls, fn };
  }

  it('runs the tool on allow and returns its result', async () => {
    const { calls, fn } = recordingTool();
    const guarded = guardTool(fn, { client, name: 'Bash', context: { user_request: 'List the files here' } });
    await expect(guarded({ command: 'ls -la' })).resolves.toBe('done');
    expect(calls).toEqual([{ command: 'ls -la' }]);
  });

  it('throws GuardDeniedError on deny without running the tool', async () => {
    const { calls, fn } = recordingTool();
    const guarded = guardTool(fn, { client, name: 'Bash', context: () => ({ user_request: 'Tidy my home directory a bit' }) });
    const error = await guarded({ command: 'rm -rf ~/work' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GuardDeniedError);
    expect((error as GuardDeniedError).verdict.decision).toBe('deny');
    expect((error as Error).message).toContain((error as GuardDeniedError).verdict.id);
    expect(calls).toEqual([]);
  });

  it('blocks an escalated call when there is no onEscalate', async () => {
    const { calls, fn } = recordingTool();
    const guarded = guardTool(fn, { client, name: DELETE_REPOSITORY.tool });
    const error = await guarded(DELETE_REPOSITORY.input).catch((caught: unknown) => caught);
    expect(error, 'the rubric escalates deleting a repository the user did not mention').toBeInstanceOf(GuardEscalatedError);
    expect((error as Error).message).toContain('No onEscalate callback');
    expect(calls).toEqual([]);
  });

  it('runs an escalated call only when onEscalate approves', async () => {
    const { calls, fn } = recordingTool();
    const asked: string[] = [];
    const approving = guardTool(fn, {
      client,
      name: DELETE_REPOSITORY.tool,
      onEscalate: (verdict, args) => {
        asked.push(`${verdict.decision}:${JSON.stringify(args)}`);
        return true;
      },
    });
    await expect(approving(DELETE_REPOSITORY.input)).resolves.toBe('done');
    expect(asked).toEqual([`escalate:${JSON.stringify(DELETE_REPOSITORY.input)}`]);

    const refusing = guardTool(fn, { client, name: DELETE_REPOSITORY.tool, onEscalate: async () => false });
    await expect(refusing(DELETE_REPOSITORY.input)).rejects.toThrow(/did not approve/);
    expect(calls).toHaveLength(1);
  });

  it('builds the action from input and describe', async () => {
    const guarded = guardTool(async (path: string, recursive: boolean) => `${path}:${recursive}`, {
      client,
      name: 'delete_path',
      input: (path, recursive) => ({ path, recursive }),
      describe: (path) => `Remove the build output in ${path}`,
      context: { user_request: 'Clean the build output in ./dist' },
    });
    await guarded('./dist', true).catch(() => undefined);
    const { request } = (await service.store.list({ tool: 'delete_path' }, { limit: 1 })).items[0]!;
    expect(request.action).toEqual({ tool: 'delete_path', input: { path: './dist', recursive: true }, description: 'Remove the build output in ./dist' });
  });

  it('does not run the tool when the service is unreachable', async () => {
    const { calls, fn } = recordingTool();
    const closed = await startFixedServer(200, '{}');
    await closed.close();
    const guarded = guardTool(fn, { client: new GuardClient({ baseUrl: closed.url }), name: 'Bash' });
    await expect(guarded({ command: 'ls' })).rejects.toBeInstanceOf(GuardUnavailableError);
    expect(calls).toEqual([]);
  });
});
