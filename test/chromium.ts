// Debian's Chromium, headless, driven by playwright-core (as test/browser.test.ts drives it): for
// the example page, CSP and worker suites. CI installs it (.ci/run); elsewhere these suites are
// skipped, and say so, when it is absent.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { describe } from 'vitest';

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
