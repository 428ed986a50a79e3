import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PassThrough, Writable } from 'node:stream';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { createEngines, logEngineSetup } from '../../src/deliberation/engines.ts';
import { createLogger } from '../../src/logger.ts';
import { captureStream, requestBody, startTestService, type TestService } from '../helpers/service.ts';

let dir: string;
let service: TestService;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'guard-engines-'));
  service = await startTestService();
});
afterAll(async () => {
  await service.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Builds an environment for the command-line tool without the machine's LLM variables. */
function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: dir, DATABASE_URL: `sqlite:${join(dir, 'verdicts.sqlite')}`, PORT: '0', ...extra };
}

describe('engine setup', () => {
  it('logs at start-up that claude is off without a key', () => {
    const lines: string[] = [];
    logEngineSetup(createLogger('info', captureStream(lines)), loadConfig({}));
    const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);

    expect(messages).toContain('engines ready: rubric; default rubric');
    expect(messages).toContain('the claude engine is off: ANTHROPIC_API_KEY is not set');
  });

  it('fails start-up when GUARD_ENGINE names an engine without its key', async () => {
    let stderr = '';
    const io = {
      stdout: new PassThrough(),
      stderr: new Writable({ write: (chunk: Buffer, _encoding, done) => ((stderr += chunk.toString()), done()) }),
      stdin: new PassThrough(),
      env: cliEnv({ GUARD_ENGINE: 'claude' }),
    };
    const code = await main(['serve'], io);

    expect(code).toBe(1);
    expect(stderr).toContain('GUARD_ENGINE: the claude engine is not configured because ANTHROPIC_API_KEY is not set');
  });

  it('names the missing setting for each unconfigured engine', () => {
    const messageFor = (env: Record<string, string>): string => {
      try {
        createEngines(loadConfig(env));
        return '';
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
    };
    expect(messageFor({ GUARD_ENGINE: 'openai-compatible' })).toContain('GUARD_OPENAI_BASE_URL is not set');
    expect(messageFor({ GUARD_ENGINE: 'cascade' })).toContain('no LLM engine is configured');
    expect(messageFor({ GUARD_OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1' })).toContain('GUARD_OPENAI_MODEL: must be set');
    expect(messageFor({ GUARD_ENGINE: 'cascade', GUARD_CASCADE_LLM: 'claude', GUARD_OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1', GUARD_OPENAI_MODEL: 'm' })).toContain(
      'GUARD_CASCADE_LLM is claude, but ANTHROPIC_API_KEY is not set',
    );
  });

  it('creates only the configured engines', () => {
    const rubricOnly = createEngines(loadConfig({}));
    expect([...rubricOnly.keys()]).toEqual(['rubric']);

    const withKey = createEngines(loadConfig({ ANTHROPIC_API_KEY: 'sk-ant-test' }));
    expect([...withKey.keys()].sort()).toEqual(['cascade', 'claude', 'rubric']);
  });

  it('answers 422 for a request that asks for an unconfigured engine', async () => {
    const response = await request(service.app.server)
      .post('/v1/deliberations')
      .send(requestBody('ls', 'list files', { engine: 'claude' }))
      .expect(422);
    expect(response.body.error.code).toBe('GUARD_ERR_ENGINE_UNAVAILABLE');
    expect(response.body.error.message).toContain('claude');
  });
});
