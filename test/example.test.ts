// The example page (examples/browser/), built by scripts/example.mjs from the built package and
// served with its strict CSP, driven in Chromium like a person would: a file set through the
// input, a part size chosen, an expected tree hash typed. Everything it shows is checked against
// the reference computed here in Node. The screenshot is saved (docs/example-page.png is the
// README's; refresh it with UPDATE_SCREENSHOT=1).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXAMPLE, EXAMPLE_CSP, ROOT, buildExample, serveFolder } from '../scripts/example.mjs';
import { describeInChromium, launchChromium } from './chromium.js';
import { MIB, mod251, referenceSha256Hex, referenceTreeHashHex } from './reference.js';

describeInChromium('the example page in Chromium', () => {
  let server: Server;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    await buildExample();
    ({ server, origin } = await serveFolder(EXAMPLE, { 'content-security-policy': EXAMPLE_CSP }));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('shows the tree hash, the SHA-256 and the part table of a chosen file, checks an expected hash, and saves a screenshot', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(String(error)));
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    await page.goto(`${origin}/`);

    const size = 6 * MIB + 512 * 1024 + 3; // 7 leaves, the last one partial
    const data = mod251(size);
    const partSize = 2 * MIB;
    await page.selectOption('#part-size', String(partSize));
    await page.setInputFiles('#file', { name: 'archive.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(data) });
    await page.waitForSelector('#parts-section:not([hidden])', { timeout: 60_000 });

    const tree = referenceTreeHashHex(data);
    expect(await page.textContent('#tree-hash')).toBe(tree);
    expect(await page.textContent('#sha256')).toBe(referenceSha256Hex(data));
    expect(await page.textContent('#size')).toContain(size.toLocaleString('en'));
    expect(await page.textContent('#engine')).toMatch(/^wasm-simd kernel, in a Web Worker/); // its CSP allows 'wasm-unsafe-eval'
    expect(await page.evaluate(() => (document.getElementById('progress') as HTMLProgressElement).value)).toBe(1);

    const rows = await page.$$eval('#parts tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    const expected = [];
    for (let start = 0, index = 0; start < size; start += partSize, index++) {
      const end = Math.min(start + partSize, size) - 1;
      expected.push([String(index), `bytes ${start}-${end}/*`, referenceTreeHashHex(data.subarray(start, end + 1))]);
    }
    expect(rows).toEqual(expected);
    expect(await page.textContent('#parts-summary')).toContain('matches');

    await page.fill('#expected', tree.replace(/^./, tree[0] === '0' ? '1' : '0'));
    expect(await page.textContent('#check')).toContain('MISMATCH');
    await page.fill('#expected', tree.toUpperCase());
    expect(await page.textContent('#check')).toContain('OK');

    const shot = process.env.UPDATE_SCREENSHOT ? join(ROOT, 'docs', 'example-page.png') : join(tmpdir(), 'glacier-treehash-example-page.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});
