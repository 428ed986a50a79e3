import { randomBytes } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/auth/api-key.ts';
import { PgKeyStore } from '../../src/store/pg-key-store.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

/** The machine's PostgreSQL (trust authentication on loopback), in a schema of this file's own. */
const SERVER_URL = 'postgres://postgres@127.0.0.1:5432/test';
const schema = `guard_keys_${randomBytes(6).toString('hex')}`;
const keysUrl = `${SERVER_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;

let admin: pg.Client;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
});
afterAll(async () => {
  await admin.query(`DROP SCHEMA ${pg.escapeIdentifier(schema)} CASCADE`);
  await admin.end();
});

describe('PostgreSQL key store', () => {
  it('shares keys and revocations between replicas', async () => {
    // Two instances with their own verdict files and one key database, as replicas would run.
    const replicas: TestService[] = await Promise.all([
      startTestService({ GUARD_KEYS_DATABASE_URL: keysUrl }),
      startTestService({ GUARD_KEYS_DATABASE_URL: keysUrl }),
    ]);
    const keys = await PgKeyStore.open(keysUrl);
    try {
      const key = generateApiKey();
      await keys.create({ id: key.id, name: 'shared', scopes: ['read'], secretHash: key.secretHash, createdAt: new Date().toISOString() });
      expect(await keys.countActive()).toBe(1);
      expect((await keys.find(key.id))?.scopes).toEqual(['read']);

      for (const replica of replicas) {
        await request(replica.app.server).get('/v1/verdicts').expect(401);
        await request(replica.app.server).get('/v1/verdicts').set('authorization', `Bearer ${key.token}`).expect(200);
        await request(replica.app.server).post('/v1/deliberations').set('authorization', `Bearer ${key.token}`).send({}).expect(403);
      }

      expect(await keys.revoke(key.id)).toBe(true);
      expect(await keys.revoke(key.id)).toBe(false);
      for (const replica of replicas) {
        await request(replica.app.server).get('/v1/verdicts').set('authorization', `Bearer ${key.token}`).expect(401);
        // A revoked key still counts, so the replicas do not fall back to open access.
        await request(replica.app.server).get('/v1/verdicts').expect(401);
      }
      expect(await keys.countActive()).toBe(0);
      expect(await keys.countAll()).toBe(1);
      const [listed] = await keys.list();
      expect(listed?.revokedAt).toBeDefined();

      const stored = await admin.query(`SELECT * FROM ${pg.escapeIdentifier(schema)}.api_keys`);
      expect(JSON.stringify(stored.rows)).not.toContain(key.secret);
    } finally {
      await keys.close();
      await Promise.all(replicas.map((replica) => replica.stop()));
    }
  });
});
