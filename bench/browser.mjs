// The Wasm kernel in a browser: the built package and hash-wasm side by side inside headless
// Chromium (Debian's package, driven by playwright-core), in interleaved rounds like run.mjs.
// Chromium's V8 is years newer than Node 20's, so its SIMD code generation differs; this group
// shows the same ratios there. Skipped, and says so, when Chromium is not installed.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
// The page may load the package's build and hash-wasm's self-contained ESM file, nothing else.
const SERVED = [join(ROOT, 'dist'), join(ROOT, 'node_modules', 'hash-wasm', 'dist'), join(ROOT, 'node_modules', '@noble', 'hashes')];
// The unbundled dist/ imports @noble/hashes and package.json's "#embedded-kernel": the page maps them.
const IMPORT_MAP = `<script type="importmap">${JSON.stringify({
  imports: { '@noble/hashes/': '/node_modules/@noble/hashes/', '#embedded-kernel': '/dist/kernel/wasm-binary.js' },
})}</script>`;

/** Runs in the page: returns { caseName: [MB/s per round] }. */
async function measureInPage({ megabytes, rounds, minMillis }) {
  const core = await import('/dist/index.js');
  const { createSHA256 } = await import('/node_modules/hash-wasm/dist/index.esm.js');
  const MiB = 1024 * 1024;
  const bytes = new Uint8Array(megabytes * MiB);
  for (let offset = 0; offset < bytes.length; offset += 65536) crypto.getRandomValues(bytes.subarray(offset, offset + 65536));
  const leaves = Array.from({ length: megabytes }, (_, i) => bytes.subarray(i * MiB, (i + 1) * MiB));
  const hw = await createSHA256();
  // Same answer first: a benchmark of a wrong hash is worthless.
  const leafHex = (digest) => Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  if (hw.init().update(leaves[0]).digest('hex') !== leafHex(core.sha256(leaves[0], { engine: 'wasm' }))) throw new Error('hash-wasm disagrees');
  const cases = {
    'glacier-treehash engine=wasm treeHash (1 MiB leaves)': () => core.treeHash(bytes, { engine: 'wasm' }),
    'glacier-treehash engine=wasm-scalar treeHash (1 MiB leaves)': () => core.treeHash(bytes, { engine: 'wasm-scalar' }),
    'hash-wasm SHA-256 per 1 MiB leaf': () => leaves.forEach((leaf) => hw.init().update(leaf).digest('binary')),
    'glacier-treehash sha256 (Wasm kernel)': () => core.sha256(bytes, { engine: 'wasm' }),
    'hash-wasm SHA-256 linear': () => hw.init().update(bytes).digest('binary'),
  };
  const out = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, fn] of Object.entries(cases)) {
      fn(); // warm
      let runs = 0;
      const start = performance.now();
      let elapsed = 0;
      do {
        fn();
        runs++;
        elapsed = performance.now() - start;
      } while (elapsed < minMillis);
      out[name].push((runs * bytes.length) / (elapsed / 1000) / 1e6);
    }
  }
  return out;
}

/** { caseName: [MB/s per round] } from Chromium, or undefined (with a message) without it. */
export async function measureInChromium({ megabytes, rounds, minMillis }) {
  if (!CHROMIUM) {
    console.log('  (skipped: Chromium is not installed; apt-get install chromium)');
    return undefined;
  }
  const server = createServer((request, response) => {
    const path = normalize(join(ROOT, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)));
    if (!SERVED.some((dir) => path.startsWith(dir)) || !existsSync(path) || !statSync(path).isFile()) {
      response.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>bench</title>${IMPORT_MAP}`);
      return;
    }
    response.writeHead(200, { 'content-type': extname(path) === '.js' ? 'text/javascript' : 'application/octet-stream' }).end(readFileSync(path));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    const version = browser.version();
    const results = await page.evaluate(measureInPage, { megabytes, rounds, minMillis });
    return { version, results };
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
}
