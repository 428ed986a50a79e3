import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUnpairedSurrogate } from '../../src/api/plugins/json-scan.ts';
import { answerPreToolUse } from '../../src/integrations/claude-code/run-hook.ts';
import { createLogger } from '../../src/logger.ts';
import { requestBody } from '../helpers/service.ts';
import { childEnv, hookInput, startListeningService, type ListeningService } from '../integrations/helpers.ts';

// JSON.stringify writes a lone surrogate as a \ud800-style escape, the text a client sends after
// cutting a string inside a pair, and keeps a well-formed pair as the character itself.
const LONE_HIGH = '\ud800';
const LONE_LOW = '\udfff';

let service: ListeningService;
let dir: string;

beforeAll(async () => {
  service = await startListeningService();
  dir = mkdtempSync(join(tmpdir(), 'guard-surrogates-'));
});
afterAll(async () => {
  await service.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function post(url: string, body: unknown) {
  return service.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
}

async function storedCount(): Promise<number> {
  return (await service.store.list({}, { limit: 1000 })).items.length;
}

describe('JSON bodies with unpaired surrogates', () => {
  it('rejects one in a string value, naming its path', async () => {
    const before = await storedCount();
    const response = await post('/v1/deliberations', requestBody(`ls ${LONE_HIGH}`, 'List the files'));

    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('GUARD_ERR_INVALID_JSON');
    expect(response.json().error.message).toMatch(/^action\.input\.command: .*unpaired UTF-16 surrogate/);
    expect(response.json().error.details).toEqual({ path: 'action.input.command' });
    expect(await storedCount()).toBe(before);
  });

  it('rejects one in an array item and in a key', async () => {
    const inArray = await post('/v1/deliberations', { action: { tool: 'Bash', input: { args: ['ls', LONE_LOW] } } });
    expect(inArray.statusCode).toBe(400);
    expect(inArray.json().error.details).toEqual({ path: 'action.input.args[1]' });

    const inKey = await post('/v1/deliberations', { action: { tool: 'Bash', input: { [`x${LONE_HIGH}`]: 1 } } });
    expect(inKey.statusCode).toBe(400);
    expect(inKey.json().error.code).toBe('GUARD_ERR_INVALID_JSON');
    // The key is echoed with U+FFFD in place of the surrogate, so the error itself is well formed.
    expect(inKey.json().error.details).toEqual({ path: 'action.input.x\ufffd' });
    expect(inKey.json().error.message).not.toMatch(/\p{Cs}/u);
  });

  it('rejects one on every route with a JSON body', async () => {
    const review = await post('/v1/verdicts/vrd_01AAAAAAAAAAAAAAAAAAAAAAAA/review', { outcome: 'agree', reviewer_id: `ana${LONE_HIGH}` });
    expect(review.statusCode).toBe(400);
    expect(review.json().error.code).toBe('GUARD_ERR_INVALID_JSON');
    expect(review.json().error.message).toContain('reviewer_id');

    const graphql = await post('/graphql', { query: '{ __typename }', variables: { note: LONE_LOW } });
    expect(graphql.statusCode).toBe(400);
    expect(graphql.json().errors[0].extensions.code).toBe('GUARD_ERR_INVALID_JSON');
    expect(graphql.json().errors[0].message).toContain('variables.note');
  });

  it('accepts surrogate pairs and escaped backslashes', async () => {
    const pair = await post('/v1/deliberations', requestBody('echo \ud83d\ude00', 'Print a smiley'));
    expect(pair.statusCode).toBe(200);

    const escapedBackslash = await post('/v1/deliberations', requestBody('echo \\ud800', 'Print the text'));
    expect(escapedBackslash.statusCode).toBe(200);
  });
});

describe('findUnpairedSurrogate', () => {
  it('walks the value only when the text has a surrogate escape', () => {
    const value = { command: `ls ${LONE_HIGH}` };
    expect(findUnpairedSurrogate(JSON.stringify(value), value)).toBe('command');
    // Text decoded from UTF-8 has no lone surrogate without an escape, so none is looked for.
    expect(findUnpairedSurrogate('{"command":"ls"}', value)).toBeUndefined();
    expect(findUnpairedSurrogate('{"command":"\\uD83D\\uDE00"}', { command: '\ud83d\ude00' })).toBeUndefined();
  });
});

describe('Claude Code hook with unpaired surrogates', () => {
  const log = createLogger('silent');

  it('denies hook input with one, without deliberating', async () => {
    const database = join(dir, 'embedded.sqlite');
    const stdin = JSON.stringify(hookInput('Bash', { command: `ls ${LONE_HIGH}` }));
    const output = await answerPreToolUse(stdin, childEnv({ DELIBERATION_GUARD_DATABASE_URL: `sqlite:${database}` }), log);

    expect(output.hookSpecificOutput?.permissionDecision).toBe('deny');
    expect(output.hookSpecificOutput?.permissionDecisionReason).toContain('unpaired UTF-16 surrogate');
    expect(output.hookSpecificOutput?.permissionDecisionReason).toContain('"command"');
  });

  it('replaces them in the transcript and in a cut description', async () => {
    const transcript = join(dir, 'transcript.jsonl');
    const lines = [
      { type: 'user', message: { role: 'user', content: `List the files ${LONE_LOW}` } },
      // 19,999 letters and an emoji: cutting turns at 20,000 characters splits the pair.
      { type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_a', content: `${'a'.repeat(19_999)}\ud83d\ude00` }] } },
    ];
    writeFileSync(transcript, lines.map((line) => JSON.stringify(line)).join('\n'));
    const description = `${'b'.repeat(19_999)}\ud83d\ude00`;
    const stdin = JSON.stringify(hookInput('Bash', { command: 'ls', description }, { transcript_path: transcript, tool_use_id: 'toolu_surrogates' }));

    const output = await answerPreToolUse(stdin, childEnv({ DELIBERATION_GUARD_URL: service.url }), log);

    // An allow verdict is the empty output; a failure to deliberate would be a deny.
    expect(output).toEqual({});
    const { request } = (await service.store.list({ tool: 'Bash' }, { limit: 1 })).items[0]!;
    expect(request.context.metadata).toMatchObject({ tool_use_id: 'toolu_surrogates' });
    expect(request.context.user_request).toBe('List the files \ufffd');
    expect(request.context.history.at(-1)?.content.endsWith('a\ufffd')).toBe(true);
    expect(request.action.description?.endsWith('b\ufffd')).toBe(true);
  });
});

describe('escapes that decode to invalid characters', () => {
  it.each(['echo \\u{FFFFFF}', "echo $'\\u{110000}'", "printf $'\\U7FFFFFFF'", 'echo \\ud800 done'])(
    'judges %s and stores well-formed text',
    async (command) => {
      const response = await post('/v1/deliberations', requestBody(command, 'Print a string'));
      expect(response.statusCode).toBe(200);
      const unpaired: string[] = [];
      JSON.parse(response.body, (_key, value: unknown) => {
        if (typeof value === 'string' && /\p{Cs}/u.test(value)) unpaired.push(value);
        return value;
      });
      expect(unpaired).toEqual([]);
    },
  );
});
