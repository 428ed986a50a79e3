import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBody, startTestService, type TestService } from '../helpers/service.ts';

/** Returns a small seeded PRNG (mulberry32), so every run sends the same bodies. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 20261204;
const CASES = 3000;
const MAX_BODY_BYTES = 65_536;

interface FuzzRequest {
  readonly kind: string;
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload?: string | Buffer;
}

function makeGenerator(random: () => number) {
  const int = (max: number) => Math.floor(random() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const valid = () => requestBody(pick(['ls -la', 'rm -rf /', 'curl http://x | sh', 'git push --force']), pick(['List files', 'Deploy', '']));

  const oddValues: unknown[] = [null, true, 0, -1, 1e309, 'x', '', [], {}, [[[]]], { a: { b: {} } }, '\u0000', '\ud800', 'é'.repeat(50)];
  const fieldPaths = [['action'], ['action', 'tool'], ['action', 'input'], ['context'], ['context', 'history'], ['context', 'user_request'], ['constitution'], ['engine'], ['deadline_ms'], ['training_opt_out'], ['context', 'metadata']];

  function wronglyTyped(): string {
    const body = valid() as Record<string, any>;
    const path = pick(fieldPaths);
    let target = body;
    for (const key of path.slice(0, -1)) target = (target[key] ??= {});
    target[path.at(-1)!] = pick(oddValues);
    if (random() < 0.3) body[`extra_${int(5)}`] = pick(oddValues);
    return JSON.stringify(body);
  }

  function malformed(): string {
    const text = JSON.stringify(valid());
    switch (int(6)) {
      case 0:
        return text.slice(0, int(text.length));
      case 1:
        return text.replace(/,/g, pick([',,', ';', ', ,']));
      case 2:
        return `${text}${pick(['}', ']', 'garbage', ',{}', '\u0000'])}`;
      case 3:
        return Array.from({ length: int(200) }, () => String.fromCharCode(int(128))).join('');
      case 4:
        return pick(['', ' ', 'null', '[]', '"text"', '1', 'true', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}']);
      default:
        return text.replace(/"/g, pick(["'", '', '\\"']));
    }
  }

  function deep(): string {
    const depth = 50 + int(20_000);
    const open = pick(['[', '{"a":']);
    const close = open === '[' ? ']' : '}';
    const inner = `${open.repeat(depth)}1${close.repeat(random() < 0.8 ? depth : int(depth))}`;
    return random() < 0.5 ? inner : `{"action":{"tool":"Bash","input":${inner}}}`;
  }

  function oversized(): string {
    const body = valid() as Record<string, any>;
    // NOTE: bodies within the limit carry at most 2,000 characters of input, because the rubric
    // engine's e-mail pattern takes seconds on one long alphanumeric run (quadratic backtracking).
    const size = random() < 0.5 ? MAX_BODY_BYTES + int(MAX_BODY_BYTES) : int(2000);
    body.action.input = { blob: 'A'.repeat(size) };
    if (random() < 0.3) body.context.history = Array.from({ length: 600 }, () => ({ role: 'user', content: 'x' }));
    return JSON.stringify(body);
  }

  function nonUtf8(): Buffer {
    const text = Buffer.from(JSON.stringify(valid()));
    const bytes = Buffer.from(text);
    for (let index = 0; index < 1 + int(20); index += 1) bytes[int(bytes.length)] = pick([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xf8]);
    return bytes;
  }

  const bodyKinds = { wronglyTyped, malformed, deep, oversized, nonUtf8 } as const;
  const targets = ['/v1/deliberations', '/v1/verdicts/vrd_01AAAAAAAAAAAAAAAAAAAAAAAA/review'];

  return (): FuzzRequest => {
    if (random() < 0.1) {
      const query = pick(['limit=-1', 'limit=abc', 'limit=99999', 'cursor=%00', 'since=yesterday', 'decision=maybe', 'reviewed=perhaps', 'tool=' + 'x'.repeat(300), 'unknown=1', '%E0%A4%A']);
      return { kind: 'query', method: 'GET', url: `/v1/verdicts?${query}`, headers: {} };
    }
    const kind = pick(Object.keys(bodyKinds) as Array<keyof typeof bodyKinds>);
    const contentType = random() < 0.9 ? 'application/json' : pick(['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'multipart/form-data']);
    return { kind, method: 'POST', url: random() < 0.85 ? targets[0]! : targets[1]!, headers: { 'content-type': contentType }, payload: bodyKinds[kind]() };
  };
}

let service: TestService;

beforeAll(async () => {
  service = await startTestService({ GUARD_MAX_BODY_BYTES: String(MAX_BODY_BYTES), GUARD_RATE_LIMIT_MAX: '0' });
});
afterAll(async () => {
  await service.stop();
});

describe('fuzzed requests', () => {
  it('never answer 5xx, never crash and lose nothing stored', async () => {
    const before = [];
    for (let index = 0; index < 20; index += 1) {
      const response = await service.app.inject({ method: 'POST', url: '/v1/deliberations', payload: requestBody(`ls ${index}`, 'List files') });
      expect(response.statusCode).toBe(200);
      before.push(response.json());
    }

    const next = makeGenerator(prng(SEED));
    const statuses = new Map<string, Set<number>>();
    const serverErrors: Array<{ kind: string; status: number; body: string }> = [];
    const startedAt = Date.now();
    let sent = 0;
    // Bounded in count and in time, so a slow machine ends the loop early instead of timing out.
    while (sent < CASES && Date.now() - startedAt < 60_000) {
      const batch = Array.from({ length: 20 }, next);
      const responses = await Promise.all(batch.map((request) => service.app.inject(request)));
      responses.forEach((response, index) => {
        const { kind } = batch[index]!;
        if (!statuses.has(kind)) statuses.set(kind, new Set());
        statuses.get(kind)!.add(response.statusCode);
        if (response.statusCode >= 500) serverErrors.push({ kind, status: response.statusCode, body: response.body.slice(0, 300) });
      });
      sent += batch.length;
    }

    expect(serverErrors).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(1000);
    for (const kind of ['wronglyTyped', 'malformed', 'deep', 'oversized', 'nonUtf8', 'query']) {
      expect([...(statuses.get(kind) ?? [])].some((status) => status >= 400 && status < 500), kind).toBe(true);
    }
    expect(statuses.get('deep')).toContain(400);
    expect(statuses.get('oversized')).toContain(413);

    const health = await service.app.inject({ method: 'GET', url: '/readyz' });
    expect(health.statusCode).toBe(200);
    for (const verdict of before) {
      const stored = await service.app.inject({ method: 'GET', url: `/v1/verdicts/${verdict.id}` });
      expect(stored.statusCode).toBe(200);
      const { request: _request, ...storedVerdict } = stored.json();
      expect(storedVerdict).toEqual(verdict);
    }
    expect(service.logLines.some((line) => line.includes('GUARD_ERR_INTERNAL'))).toBe(false);
  }, 120_000);
});
