import { existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** Outside CI a machine without Debian's chromium skips the browser tests; in CI (.ci/run installs it) they must run. */
export const skipBrowser = !existsSync(CHROMIUM) && !process.env.CI;

/** A headless chromium with one page, and the errors that page logged or threw. */
export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly errors: string[];
}

/** Launches Debian's chromium on a fresh profile folder inside `dir`. */
export async function launchBrowser(dir: string): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium package`);
  // A persistent context on a fresh folder: Playwright sets --user-data-dir from it.
  const context = await chromium.launchPersistentContext(mkdtempSync(join(dir, 'chromium-')), {
    executablePath: CHROMIUM,
    viewport: { width: 1440, height: 1000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return { context, page, errors };
}
