import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBody, startTestService, type TestService } from '../helpers/service.ts';
import { deliberateOverHttp } from '../graphql/helpers.ts';
import { launchBrowser, skipBrowser, type Browser } from './browser.ts';

let service: TestService;
let baseUrl: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (skipBrowser) return;
  service = await startTestService();
  baseUrl = await service.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser(service.dir);
  page = browser.page;
});
afterAll(async () => {
  await browser?.context.close();
  await service?.stop();
});

function deliberate(body: Record<string, unknown>): Promise<{ id: string; decision: string }> {
  return deliberateOverHttp(baseUrl, body);
}

describe.skipIf(skipBrowser)('dashboard in a real browser', () => {
  it('shows a verdict live, opens it and records a review', async () => {
    const earlier = await deliberate(requestBody('ls -la', 'List the files here'));

    await page.goto(`${baseUrl}/dashboard`);
    await page.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor({ timeout: 10_000 });
    await page.locator(`[data-verdict-id="${earlier.id}"]`).waitFor();

    const verdict = await deliberate({
      ...requestBody('rm -rf ~/work', 'Tidy my home directory a bit'),
      context: {
        user_request: 'Tidy my home directory a bit',
        history: [
          { role: 'user', content: 'Tidy my home directory a bit' },
          { role: 'tool', name: 'Bash', content: 'work/  notes.txt  old-builds/' },
        ],
      },
    });
    expect(verdict.decision).toBe('deny');
    const row = page.locator(`button[data-verdict-id="${verdict.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    await expect.poll(() => row.getAttribute('class')).toContain('fresh');
    expect(await page.locator('[data-testid="verdict-list"] > li').first().locator('button').getAttribute('data-verdict-id')).toBe(verdict.id);
    await expect.poll(() => page.getByTestId('total').textContent()).toBe('2');

    await row.click();
    const view = page.locator(`[data-testid="verdict-view"][data-verdict-id="${verdict.id}"]`);
    await view.waitFor();
    expect(await view.locator('.badge').first().textContent()).toBe('deny');
    expect(await view.locator('.factor-notes li').count()).toBe(8);
    expect(await view.locator('.factor-chart canvas').count()).toBe(1);
    expect(await view.locator('.heuristics li').count()).toBe(3);
    expect(await view.locator('.trace li').count()).toBeGreaterThan(2);
    expect(await view.locator('pre.json').textContent()).toContain('rm -rf ~/work');
    expect(page.url()).toContain(`#${verdict.id}`);

    await view.locator('input[name="reviewer"]').fill('ana');
    await view.locator('input[name="note"]').fill('Deleting the work folder was never asked for');
    await view.getByRole('button', { name: 'Agree with deny' }).click();
    await expect.poll(() => view.getByTestId('review-status').textContent()).toContain('Agreed');
    expect(await view.getByTestId('review-status').textContent()).toContain('by ana');

    const stored = await service.store.get(verdict.id);
    expect(stored?.review).toMatchObject({ outcome: 'agree', reviewer_id: 'ana', note: 'Deleting the work folder was never asked for' });
    expect(await row.textContent()).toContain('reviewed: agree');

    const screenshot = join(service.dir, 'dashboard.png');
    await page.screenshot({ path: screenshot, fullPage: false });
    expect(existsSync(screenshot)).toBe(true);
    if (process.env.DASHBOARD_SCREENSHOT_COPY) await page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT_COPY });
    expect(browser.errors).toEqual([]);
  }, 60_000);

  it('filters the live list by decision', async () => {
    await page.locator('select[name="decision"]').selectOption('allow');
    await expect.poll(() => page.locator('[data-testid="verdict-list"] .badge-deny').count()).toBe(0);
    const allowed = await deliberate(requestBody('git status', 'show me the repo state'));
    const denied = await deliberate(requestBody('rm -rf ~/projects', 'Tidy my home directory a bit'));
    await page.locator(`button[data-verdict-id="${allowed.id}"]`).waitFor({ timeout: 10_000 });
    expect(denied.decision).toBe('deny');
    expect(await page.locator(`button[data-verdict-id="${denied.id}"]`).count()).toBe(0);
  });
});
