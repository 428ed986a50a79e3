import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../hardening/keys.ts';
import { requestBody, startTestService, type TestService } from '../helpers/service.ts';
import { deliberateOverHttp } from '../graphql/helpers.ts';
import { launchBrowser, skipBrowser, type Browser } from './browser.ts';

let service: TestService;
let baseUrl: string;
let browser: Browser;
let page: Page;
const keys: Record<'deliberate' | 'read' | 'reviewer', string> = { deliberate: '', read: '', reviewer: '' };

beforeAll(async () => {
  service = await startTestService();
  keys.deliberate = await createKey(service.databaseFile, 'agent', ['deliberate']);
  keys.read = await createKey(service.databaseFile, 'viewer', ['read']);
  keys.reviewer = await createKey(service.databaseFile, 'reviewer', ['read', 'review']);
  baseUrl = await service.app.listen({ host: '127.0.0.1', port: 0 });
  if (skipBrowser) return;
  browser = await launchBrowser(service.dir);
  page = browser.page;
});
afterAll(async () => {
  await browser?.context.close();
  await service?.stop();
});

function deliberate(command: string, userRequest: string): Promise<{ id: string; decision: string }> {
  return deliberateOverHttp(baseUrl, requestBody(command, userRequest), keys.deliberate);
}

async function enterKey(key: string): Promise<void> {
  const bar = page.getByTestId('key-bar');
  await bar.locator('input[name="api-key"]').fill(key);
  await bar.getByRole('button', { name: 'Use key' }).click();
}

function storage(): Promise<{ session: string | null; local: number; cookie: string; url: string }> {
  return page.evaluate(() => ({
    session: sessionStorage.getItem('deliberation-guard.api-key'),
    local: Object.keys(localStorage).filter((name) => localStorage.getItem(name)?.includes('dg_')).length,
    cookie: document.cookie,
    url: location.href,
  }));
}

describe('dashboard routes with API keys', () => {
  it('serves the page and bundle without a key', async () => {
    for (const path of ['/dashboard', '/dashboard/app.js', '/dashboard/app.css']) {
      const response = await fetch(`${baseUrl}${path}`);
      expect(response.status, path).toBe(200);
    }
  });

  it('keeps GraphQL closed without a key', async () => {
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ constitutions { id } }' }),
    });
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]?.extensions.code).toBe('GUARD_ERR_UNAUTHENTICATED');
  });
});

describe.skipIf(skipBrowser)('dashboard with API keys', () => {
  it('asks for a key, then streams verdicts', async () => {
    const earlier = await deliberate('ls -la', 'List the files here');

    await page.goto(`${baseUrl}/dashboard`);
    const bar = page.getByTestId('key-bar');
    await bar.waitFor({ timeout: 10_000 });
    expect(await bar.locator('input[name="api-key"]').getAttribute('type')).toBe('password');
    await expect.poll(() => page.getByTestId('key-problem').textContent()).toContain('missing API key');
    expect(await page.getByTestId('live-status').textContent()).toBe('No access');
    expect(await page.locator(`[data-verdict-id="${earlier.id}"]`).count()).toBe(0);

    await enterKey('dg_notakey');
    await expect.poll(() => page.getByTestId('key-problem').textContent()).toContain('invalid API key');

    await enterKey(keys.read);
    await page.locator(`[data-verdict-id="${earlier.id}"]`).waitFor({ timeout: 10_000 });
    await page.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor({ timeout: 10_000 });
    expect(await bar.count()).toBe(0);
    expect(await page.getByTestId('key-status').textContent()).toContain('API key set');

    const stored = await storage();
    expect(stored.session).toBe(keys.read);
    expect(stored.local).toBe(0);
    expect(stored.cookie).toBe('');
    expect(stored.url).not.toContain(keys.read);

    const live = await deliberate('git status', 'show me the repo state');
    await page.locator(`button[data-verdict-id="${live.id}"]`).waitFor({ timeout: 10_000 });
  }, 60_000);

  it('names the missing scope when a read key saves a review', async () => {
    const verdict = await deliberate('rm -rf ~/work', 'Tidy my home directory a bit');
    const row = page.locator(`button[data-verdict-id="${verdict.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    await row.click();
    const view = page.locator(`[data-testid="verdict-view"][data-verdict-id="${verdict.id}"]`);
    await view.waitFor();

    await view.locator('input[name="reviewer"]').fill('ana');
    await view.getByRole('button', { name: `Agree with ${verdict.decision}` }).click();
    const alert = view.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('lacks the scope "review"');
    expect(await alert.textContent()).toContain('Use a key with the "review" scope');
    expect((await service.store.get(verdict.id))?.review).toBeFalsy();
  }, 60_000);

  it('saves a review after changing to a review key', async () => {
    await page.getByTestId('key-status').getByRole('button', { name: 'Change' }).click();
    await enterKey(keys.reviewer);
    await page.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor({ timeout: 10_000 });
    expect((await storage()).session).toBe(keys.reviewer);

    const view = page.getByTestId('verdict-view');
    const verdictId = await view.getAttribute('data-verdict-id');
    const decision = await view.locator('.badge').first().textContent();
    await view.locator('input[name="reviewer"]').fill('ana');
    await view.getByRole('button', { name: `Agree with ${decision}` }).click();
    await expect.poll(() => view.getByTestId('review-status').textContent()).toContain('Agreed');
    expect((await service.store.get(verdictId!))?.review).toMatchObject({ outcome: 'agree', reviewer_id: 'ana' });

    // The new websocket connection streams with the new key.
    const live = await deliberate('git log -1', 'show me the last commit');
    await page.locator(`button[data-verdict-id="${live.id}"]`).waitFor({ timeout: 10_000 });
  }, 60_000);

  it('forgets the key and asks again', async () => {
    await page.getByTestId('key-status').getByRole('button', { name: 'Forget' }).click();
    await page.getByTestId('key-bar').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByTestId('key-problem').textContent()).toContain('missing API key');
    expect((await storage()).session).toBeNull();
    expect(browser.errors).toEqual([]);
  }, 60_000);
});
