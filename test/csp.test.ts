// Content-Security-Policy in Chromium: a page whose policy lacks 'wasm-unsafe-eval' cannot
// compile WebAssembly, so the default engine ('auto') falls back to the JavaScript kernel and still
// hashes Blobs correctly (on the page's thread and in the library's worker, which gets the same
// policy); the same page with 'wasm-unsafe-eval' runs the Wasm kernel. An explicit 'wasm' under the
// strict policy fails with an error that names the cause and the remedy. A tiny HTTP server on
// 127.0.0.1 serves the built package (dist/) and test/fixtures/csp/run.js under each policy.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInChromium, launchChromium } from './chromium.js';
import { MIB, mod251, referenceSha256Hex, referenceTreeHashHex } from './reference.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const POLICIES: Record<string, string> = {
  strict: "default-src 'self'; script-src 'self'",
  wasm: "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'",
};
const PAGE = '<!doctype html><meta charset="utf-8"><title>csp</title><script type="module" src="run.js"></script>';

/** /POLICY/ is the page, /POLICY/run.js its script, /POLICY/dist/... the built package; every response carries POLICY's header. */
function cspServer(): Server {
  return createServer((request, response) => {
    const [, policy, ...rest] = new URL(request.url ?? '/', 'http://x').pathname.split('/');
    const csp = POLICIES[policy ?? ''];
    const path = rest.join('/');
    const file = path === 'run.js' ? join(ROOT, 'test', 'fixtures', 'csp', 'run.js') : normalize(join(ROOT, decodeURIComponent(path)));
    const headers = { 'content-security-policy': csp ?? '', 'cache-control': 'no-store' };
    if (csp === undefined) response.writeHead(404).end();
    else if (path === '') response.writeHead(200, { ...headers, 'content-type': 'text/html' }).end(PAGE);
    else if ((path === 'run.js' || file.startsWith(join(ROOT, 'dist'))) && existsSync(file) && statSync(file).isFile()) {
      response.writeHead(200, { ...headers, 'content-type': 'text/javascript' }).end(readFileSync(file));
    } else response.writeHead(404, headers).end();
  });
}

describeInChromium('Content-Security-Policy in Chromium', () => {
  let server: Server;
  let origin: string;
  let browser: Browser;
  const sizes = [0, 1, MIB, 3 * MIB + 5, 5 * MIB + 7];

  beforeAll(async () => {
    server = cspServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
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
    expect(result.explicitWasm).toMatch(/^ERR_WASM_UNAVAILABLE: .*'wasm-unsafe-eval'.*setKernelModule|^ERR_WASM_UNAVAILABLE: .*'wasm-unsafe-eval'/);
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
