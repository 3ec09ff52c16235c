// Content-Security-Policy in Chromium: a page whose policy lacks 'wasm-unsafe-eval' cannot
// compile WebAssembly, so the default engine ('auto') falls back to the JavaScript kernel and still
// hashes Blobs correctly (on the page's thread and in the library's worker, which gets the same
// policy); the same page with 'wasm-unsafe-eval' runs the Wasm kernel. An explicit 'wasm' under the
// strict policy fails with an error that names the cause and the remedy. test/fixtures/csp/run.js
// is bundled with the built package (esbuild, as the example page is), and a tiny HTTP server on
// 127.0.0.1 serves it, the library's worker.js and the page under each policy.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForBrowser } from '../scripts/example.mjs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInChromium, launchChromium } from './chromium.js';
import { MIB, mod251, referenceSha256Hex, referenceTreeHashHex } from './reference.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const POLICIES: Record<string, string> = {
  strict: "default-src 'self'; script-src 'self'",
  wasm: "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'",
};
const PAGE = '<!doctype html><meta charset="utf-8"><title>csp</title><script type="module" src="main.js"></script>';

/** /POLICY/ is the page, /POLICY/main.js and /POLICY/worker.js the bundles in `dir`; every response carries POLICY's header. */
function cspServer(dir: string): Server {
  return createServer((request, response) => {
    const [, policy, file, ...rest] = new URL(request.url ?? '/', 'http://x').pathname.split('/');
    const csp = POLICIES[policy ?? ''];
    const headers = { 'content-security-policy': csp ?? '', 'cache-control': 'no-store' };
    if (csp === undefined || rest.length > 0) response.writeHead(404).end();
    else if (file === '') response.writeHead(200, { ...headers, 'content-type': 'text/html' }).end(PAGE);
    else if ((file === 'main.js' || file === 'worker.js') && existsSync(join(dir, file))) {
      response.writeHead(200, { ...headers, 'content-type': 'text/javascript' }).end(readFileSync(join(dir, file)));
    } else response.writeHead(404, headers).end();
  });
}

describeInChromium('Content-Security-Policy in Chromium', () => {
  let server: Server;
  let origin: string;
  let browser: Browser;
  let dir: string;
  const sizes = [0, 1, MIB, 3 * MIB + 5, 5 * MIB + 7];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'treehash-csp-'));
    await bundleForBrowser(join(ROOT, 'test', 'fixtures', 'csp', 'run.js'), dir);
    server = cspServer(dir);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function runPage(policy: string) {
    const page = await browser.newPage();
    await page.goto(`${origin}/${policy}/?sizes=${sizes.join(',')}`);
    await page.waitForFunction(() => (window as { cspResult?: unknown }).cspResult !== undefined, undefined, { timeout: 120_000 });
    const result = await page.evaluate(() => (window as unknown as { cspResult: Record<string, unknown> }).cspResult);
    await page.close();
    return result as {
      error?: string;
      wasmCompiles: boolean;
      engine: { kernel: string; wasmError?: string };
      explicitWasm: string;
      results: { size: number; blob: string[]; worker: string[]; sync: string[] }[];
      violations: string[];
    };
  }

  function expectReference(results: { size: number; blob: string[]; worker: string[]; sync: string[] }[]): void {
    expect(results.map((r) => r.size)).toEqual(sizes);
    for (const { size, blob, worker, sync } of results) {
      const expected = [referenceTreeHashHex(mod251(size)), referenceSha256Hex(mod251(size))];
      expect({ size, blob, worker, sync }).toEqual({ size, blob: expected, worker: expected, sync: expected });
    }
  }

  it("script-src 'self' without 'wasm-unsafe-eval': 'auto' hashes on the JavaScript kernel, correctly; an explicit 'wasm' names the cause", async () => {
    const result = await runPage('strict');
    expect(result.error).toBeUndefined();
    expect(result.wasmCompiles).toBe(false); // the policy really blocks Wasm here
    expect(result.engine.kernel).toBe('js');
    expect(result.engine.wasmError).toMatch(/wasm-unsafe-eval/);
    expectReference(result.results);
    expect(result.explicitWasm).toMatch(/^ERR_WASM_UNAVAILABLE: .*'wasm-unsafe-eval'.*setKernelModule/);
    expect(result.violations.some((v) => v.startsWith('script-src'))).toBe(true);
  });

  it("with 'wasm-unsafe-eval' the same page runs the Wasm kernel (SIMD build)", async () => {
    const result = await runPage('wasm');
    expect(result.error).toBeUndefined();
    expect(result.wasmCompiles).toBe(true);
    expect(result.engine.kernel).toBe('wasm-simd');
    expect(result.engine.wasmError).toBeUndefined();
    expectReference(result.results);
    expect(result.explicitWasm).toBe('ok');
    expect(result.violations).toEqual([]);
  });
});
