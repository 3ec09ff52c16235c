// Debian's Chromium, headless, driven by playwright-core (as test/browser.test.ts drives it): for
// the example page, CSP and worker suites. CI installs it (.ci/run); elsewhere these suites are
// skipped, and say so, when it is absent.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { describe } from 'vitest';
import { ROOT, bundleForBrowser, serveFolder } from '../scripts/example.mjs';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));

/** `describe` where Chromium is installed (or in CI, where its absence must fail), else `describe.skip`. */
export const describeInChromium: typeof describe | typeof describe.skip = CHROMIUM !== undefined || process.env.CI ? describe : describe.skip;

export async function launchChromium(): Promise<Browser> {
  if (!CHROMIUM) throw new Error('Chromium is not installed (apt-get install chromium); .ci/run installs it');
  return chromium.launch({
    executablePath: CHROMIUM,
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
}

/** A page served with the package bundled as `/main.js` (test/fixtures/browser-lib.js, with the library's worker.js beside it). */
export interface LibraryPage {
  readonly browser: Browser;
  readonly page: Page;
  readonly origin: string;
  /** The folder served (a suite may remove or add files). */
  readonly dir: string;
  close(): Promise<void>;
}

/** Bundles the package as a client would, serves it with `files` (name → text) beside it, and opens it in Chromium. */
export async function openLibraryPage(name: string, files: Record<string, string> = {}): Promise<LibraryPage> {
  const dir = mkdtempSync(join(tmpdir(), `treehash-${name}-`));
  await bundleForBrowser(join(ROOT, 'test', 'fixtures', 'browser-lib.js'), dir);
  writeFileSync(join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>${name}</title>`);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  const { server, origin } = await serveFolder(dir);
  const browser = await launchChromium();
  const page = await browser.newPage();
  await page.goto(`${origin}/`);
  return {
    browser,
    page,
    origin,
    dir,
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
