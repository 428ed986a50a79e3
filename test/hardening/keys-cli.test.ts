import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { startTestService } from '../helpers/service.ts';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/deliberation-guard.js');

/** Runs the real command-line tool on a database file. */
async function keys(databaseFile: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, 'keys', ...args],
      { cwd: root, env: { ...process.env, DATABASE_URL: `sqlite:${databaseFile}`, LOG_LEVEL: 'warn' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('deliberation-guard keys', () => {
  it('creates, lists and revokes a key the service accepts', async () => {
    const service = await startTestService();
    try {
      const created = await keys(service.databaseFile, ['create', '--name', 'ci-agent', '--scope', 'deliberate', '--scope', 'read']);
      expect(created.code).toBe(0);
      const token = created.stdout.trim();
      expect(token).toMatch(/^dg_[0-9a-z]{12}_[A-Za-z0-9_-]{43}$/);
      expect(created.stderr).toContain('shown once');

      await request(service.app.server).get('/v1/verdicts').set('authorization', `Bearer ${token}`).expect(200);
      const forbidden = await request(service.app.server).get('/v1/training-data/export').set('authorization', `Bearer ${token}`);
      expect(forbidden.status).toBe(403);

      const listed = await keys(service.databaseFile, ['list', '--json']);
      const records = JSON.parse(listed.stdout) as Array<{ id: string; name: string; scopes: string[] }>;
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ name: 'ci-agent', scopes: ['deliberate', 'read'] });
      expect(listed.stdout).not.toContain(token.split('_')[2]);
      for (const file of [service.databaseFile, `${service.databaseFile}-wal`].filter((path) => existsSync(path))) {
        expect(readFileSync(file).includes(token.split('_')[2]!), file).toBe(false);
      }

      const revoked = await keys(service.databaseFile, ['revoke', records[0]!.id]);
      expect(revoked.code).toBe(0);
      await request(service.app.server).get('/v1/verdicts').set('authorization', `Bearer ${token}`).expect(401);

      const again = await keys(service.databaseFile, ['revoke', records[0]!.id]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('no active key');
    } finally {
      await service.stop();
    }
  }, 120_000);

  it('rejects an unknown scope and a missing name with exit 2', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'guard-keys-')), 'verdicts.sqlite');
    const unknown = await keys(file, ['create', '--name', 'x', '--scope', 'write']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown scope "write"');

    const nameless = await keys(file, ['create', '--scope', 'read']);
    expect(nameless.code).toBe(2);
    expect(nameless.stderr).toContain('--name');
  }, 60_000);
});
