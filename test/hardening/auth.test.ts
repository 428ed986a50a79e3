import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiKey } from '../../src/auth/api-key.ts';
import { UnsafeBindError } from '../../src/auth/authenticator.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createService } from '../../src/service.ts';
import { SqliteKeyStore } from '../../src/store/sqlite-key-store.ts';
import { captureStream, requestBody, startTestService, type TestService } from '../helpers/service.ts';
import { createKey } from './keys.ts';

const constitutionsDir = join(import.meta.dirname, '../../constitutions');

/** One call per REST route, with the scope it needs. */
const ROUTES = [
  { scope: 'deliberate', method: 'post', path: '/v1/deliberations', body: requestBody('ls -la', 'List the files here'), ok: 200 },
  { scope: 'read', method: 'get', path: '/v1/verdicts?limit=1', ok: 200 },
  { scope: 'read', method: 'get', path: '/v1/verdicts/vrd_01AAAAAAAAAAAAAAAAAAAAAAAA', ok: 404 },
  { scope: 'read', method: 'get', path: '/v1/constitutions', ok: 200 },
  { scope: 'read', method: 'get', path: '/v1/constitutions/default', ok: 200 },
  { scope: 'review', method: 'post', path: '/v1/verdicts/vrd_01AAAAAAAAAAAAAAAAAAAAAAAA/review', body: { outcome: 'agree', reviewer_id: 'r1' }, ok: 404 },
  { scope: 'export', method: 'get', path: '/v1/training-data/export', ok: 200 },
] as const;

type Route = (typeof ROUTES)[number];

function call(service: TestService, route: Route, key?: string): request.Test {
  const pending = route.method === 'post' ? request(service.app.server).post(route.path) : request(service.app.server).get(route.path);
  if (key) pending.set('authorization', `Bearer ${key}`);
  return 'body' in route ? pending.send(route.body) : pending;
}

describe('API keys with scopes', () => {
  let service: TestService;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    service = await startTestService();
    for (const scope of ['deliberate', 'read', 'review', 'export', 'admin'] as const) {
      keys[scope] = await createKey(service.databaseFile, `${scope}-holder`, [scope]);
    }
  });
  afterAll(async () => {
    await service.stop();
  });

  it('rejects every route without a key', async () => {
    for (const route of ROUTES) {
      const response = await call(service, route);
      expect(response.status, `${route.method} ${route.path}`).toBe(401);
      expect(response.body.error.code).toBe('GUARD_ERR_UNAUTHENTICATED');
      expect(response.body.error.message).toContain(`"${route.scope}"`);
    }
  });

  it('lets each scope through its own routes only', async () => {
    for (const route of ROUTES) {
      for (const scope of ['deliberate', 'read', 'review', 'export'] as const) {
        const response = await call(service, route, keys[scope]);
        const label = `${scope} key on ${route.method} ${route.path}`;
        if (scope === route.scope) {
          expect(response.status, label).toBe(route.ok);
        } else {
          expect(response.status, label).toBe(403);
          expect(response.body.error.code, label).toBe('GUARD_ERR_FORBIDDEN');
          expect(response.body.error.message, label).toContain(`lacks the scope "${route.scope}"`);
          expect(response.body.error.details.required, label).toBe(route.scope);
        }
      }
    }
  });

  it('lets an admin key through every route', async () => {
    for (const route of ROUTES) {
      const response = await call(service, route, keys.admin);
      expect(response.status, `${route.method} ${route.path}`).toBe(route.ok);
    }
  });

  it('accepts the key in the x-api-key header', async () => {
    await request(service.app.server).get('/v1/constitutions').set('x-api-key', keys.read!).expect(200);
  });

  it('rejects malformed, unknown and revoked keys', async () => {
    const route = ROUTES[1];
    const malformed = await call(service, route, 'not-a-key');
    expect(malformed.status).toBe(401);
    expect(malformed.body.error.message).toContain('invalid API key');

    const forged = keys.read!.slice(0, -4) + 'AAAA';
    expect((await call(service, route, forged)).status).toBe(401);

    const revokedKey = await createKey(service.databaseFile, 'soon-revoked', ['read']);
    expect((await call(service, route, revokedKey)).status).toBe(200);
    const store = new SqliteKeyStore(service.databaseFile);
    await store.revoke(parseApiKey(revokedKey)!.id);
    await store.close();
    const revoked = await call(service, route, revokedKey);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.message).toContain('was revoked');
  });

  it('keeps health, readiness and metrics public', async () => {
    await request(service.app.server).get('/healthz').expect(200);
    await request(service.app.server).get('/readyz').expect(200);
    await request(service.app.server).get('/metrics').expect(200);
  });

  it('counts rejections in the metrics', async () => {
    const text = await service.metrics.registry.getSingleMetricAsString('guard_auth_rejections_total');
    expect(text).toMatch(/code="GUARD_ERR_UNAUTHENTICATED"} [1-9]/);
    expect(text).toMatch(/code="GUARD_ERR_FORBIDDEN"} [1-9]/);
  });

  it('never stores or logs the key itself', async () => {
    const store = new SqliteKeyStore(service.databaseFile);
    const records = await store.list();
    await store.close();
    const secret = parseApiKey(keys.read!)!.secret;
    expect(JSON.stringify(records)).not.toContain(secret);
    expect(service.logLines.join('\n')).not.toContain(secret);
  });
});

describe('open access on loopback', () => {
  it('runs open and warns while no key exists', async () => {
    const service = await startTestService();
    try {
      await request(service.app.server).get('/v1/verdicts').expect(200);
      const warning = service.logLines.map((line) => JSON.parse(line)).find((entry) => entry.level === 40 && /authentication is open/.test(entry.msg));
      expect(warning).toBeDefined();

      await createKey(service.databaseFile, 'first', ['read']);
      const closed = await request(service.app.server).get('/v1/verdicts');
      expect(closed.status).toBe(401);
    } finally {
      await service.stop();
    }
  });

  it('stays closed after every key is revoked', async () => {
    const service = await startTestService();
    try {
      const key = await createKey(service.databaseFile, 'only', ['read']);
      const store = new SqliteKeyStore(service.databaseFile);
      try {
        expect(await store.revoke(parseApiKey(key)!.id)).toBe(true);
      } finally {
        await store.close();
      }
      const response = await request(service.app.server).get('/v1/verdicts');
      expect(response.status).toBe(401);
    } finally {
      await service.stop();
    }
  });

  it('enforces keys with GUARD_AUTH=on even without one', async () => {
    const service = await startTestService({ GUARD_AUTH: 'on' });
    try {
      const response = await request(service.app.server).get('/v1/verdicts');
      expect(response.status).toBe(401);
    } finally {
      await service.stop();
    }
  });

  it('ignores keys with GUARD_AUTH=off and warns', async () => {
    const service = await startTestService({ GUARD_AUTH: 'off' });
    try {
      await createKey(service.databaseFile, 'ignored', ['read']);
      await request(service.app.server).post('/v1/deliberations').send(requestBody('ls', 'List files')).expect(200);
      expect(service.logLines.some((line) => line.includes('GUARD_AUTH=off'))).toBe(true);
    } finally {
      await service.stop();
    }
  });
});

describe('binding beyond loopback', () => {
  function config(env: Record<string, string>) {
    const dir = mkdtempSync(join(tmpdir(), 'guard-bind-'));
    return { databaseFile: join(dir, 'verdicts.sqlite'), env: { GUARD_CONSTITUTIONS_DIR: constitutionsDir, DATABASE_URL: `sqlite:${join(dir, 'verdicts.sqlite')}`, ...env } };
  }

  it('refuses to start open on 0.0.0.0 without a key', async () => {
    const { env } = config({ HOST: '0.0.0.0' });
    const started = createService(loadConfig(env), captureStream([]));
    await expect(started).rejects.toBeInstanceOf(UnsafeBindError);
    await expect(started).rejects.toThrow(/not a loopback address and no API key exists/);
  });

  it('refuses GUARD_AUTH=off on 0.0.0.0 even with a key', async () => {
    const { env, databaseFile } = config({ HOST: '0.0.0.0', GUARD_AUTH: 'off' });
    await createKey(databaseFile, 'present', ['admin']);
    await expect(createService(loadConfig(env), captureStream([]))).rejects.toThrow(/GUARD_AUTH=off/);
  });

  it('starts on 0.0.0.0 once a key exists and enforces it', async () => {
    const { env, databaseFile } = config({ HOST: '0.0.0.0' });
    const key = await createKey(databaseFile, 'ops', ['read']);
    const service = await createService(loadConfig(env), captureStream([]));
    await service.app.ready();
    try {
      await request(service.app.server).get('/v1/verdicts').expect(401);
      await request(service.app.server).get('/v1/verdicts').set('authorization', `Bearer ${key}`).expect(200);
    } finally {
      await service.app.close();
    }
  });
});

describe('scope check for other plugins', () => {
  it('lets a route check scopes in its handler', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guard-scope-'));
    const file = join(dir, 'verdicts.sqlite');
    const readKey = await createKey(file, 'reader', ['read']);
    const service = await createService(
      loadConfig({ GUARD_CONSTITUTIONS_DIR: constitutionsDir, DATABASE_URL: `sqlite:${file}` }),
      captureStream([]),
    );
    service.app.get('/per-field', { config: { scopeCheckedInHandler: true } }, async (request) => {
      service.app.requireScope(request, 'review');
      return { ok: true };
    });
    await service.app.ready();
    try {
      const denied = await request(service.app.server).get('/per-field').set('authorization', `Bearer ${readKey}`);
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toContain('"review"');
      await request(service.app.server).get('/per-field').expect(401);
    } finally {
      await service.app.close();
    }
  });
});
