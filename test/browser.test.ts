// The built package in a real browser (Debian's Chromium, headless, driven by playwright-core):
// the same ESM files, the embedded Wasm with no fs or fetch, Blobs and Web Streams. Results are
// checked here, in Node, against the independent reference. (The page imports through `new
// Function` so that Vitest's transform leaves the dynamic import() alone.)
import { existsSync, readFileSync, statSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { describeInChromium, launchChromium } from './chromium.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MIB, mod251, referenceSha256Hex, referenceTreeHashHex } from './reference.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// CI installs Chromium (.ci/run); elsewhere the suite is skipped, and says so, when it is absent.
const run = describeInChromium;
const IMPORT_MAP = `<script type="importmap">${JSON.stringify({
  imports: { '@noble/hashes/': '/node_modules/@noble/hashes/', '#embedded-kernel': '/dist/kernel/wasm-binary.js' },
})}</script>`;

run('in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const path = normalize(join(ROOT, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)));
      const served = path.startsWith(join(ROOT, 'dist')) || path.startsWith(join(ROOT, 'node_modules', '@noble', 'hashes'));
      if (!served || !existsSync(path) || !statSync(path).isFile()) {
        // Any other path is the empty page the tests run in. Unbundled, the package's bare imports
        // (its dependency @noble/hashes, and package.json "imports") need an import map.
        response.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>treehash</title>${IMPORT_MAP}`);
        return;
      }
      const type = extname(path) === '.js' ? 'text/javascript' : 'application/octet-stream';
      response.writeHead(200, { 'content-type': type }).end(readFileSync(path));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('hashes like the reference: one-shot, incremental, Blob and Web Stream', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/dist/`);
    const sizes = [0, 1, 64, MIB - 1, MIB, MIB + 1, 5 * MIB + 3, 6_815_744];
    const results = await page.evaluate(async (sizeList) => {
      const core = await new Function('return import("/dist/index.js")')();
      const web = await new Function('return import("/dist/web/index.js")')();
      const mod251 = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 251);
      const out = [];
      for (const size of sizeList) {
        const data = mod251(size);
        const oneShot = core.computeChecksums(data);
        const hasher = core.createTreeHasher();
        for (let offset = 0; offset < size; offset += 77_777) hasher.update(data.subarray(offset, offset + 77_777));
        const blob = await web.hashBlob(new Blob([data]));
        const stream = await web.hashWebStream(new Blob([data]).stream(), { linear: false });
        out.push({
          size,
          tree: core.toHex(oneShot.treeHash),
          linear: core.toHex(oneShot.sha256),
          incremental: hasher.digest('hex'),
          blobTree: core.toHex(blob.treeHash),
          blobLinear: core.toHex(blob.sha256),
          streamTree: core.toHex(stream.treeHash),
        });
      }
      return out;
    }, sizes);
    for (const result of results) {
      const data = mod251(result.size);
      const tree = referenceTreeHashHex(data);
      const linear = referenceSha256Hex(data);
      expect(result).toEqual({ size: result.size, tree, linear, incremental: tree, blobTree: tree, blobLinear: linear, streamTree: tree });
    }
    await page.close();
  });

  it('multipart: part checksums of a Blob and a Web Stream, the archive hash from parts, and the universal AWS generator', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/dist/`);
    const size = 6_815_744 + 5;
    const result = await page.evaluate(async (n) => {
      const core = await new Function('return import("/dist/index.js")')();
      const web = await new Function('return import("/dist/web/index.js")')();
      const aws = await new Function('return import("/dist/aws/index.js")')();
      const upload = await new Function('return import("/dist/upload/index.js")')();
      const data = Uint8Array.from({ length: n }, (_, i) => i % 251);
      const partSize = 2 * 1024 * 1024;
      const fromBlob = [];
      const hashing = web.hashBlobParts(new Blob([data]), { partSize });
      for await (const part of hashing) fromBlob.push({ range: part.contentRange, tree: core.toHex(part.treeHash), linear: core.toHex(part.sha256) });
      const totals = await hashing.done();
      const fromStream = await web.hashWebStreamParts(new Blob([data]).stream(), { partSize }).done();
      const combined = upload.archiveTreeHashFromParts(
        fromBlob.map((p: { tree: string }) => p.tree),
        { partSize, archiveSize: n },
      );
      return {
        plan: upload.planParts(n).parts.map((p: { contentRange: string }) => p.contentRange),
        parts: fromBlob,
        tree: core.toHex(totals.treeHash),
        linear: core.toHex(totals.sha256),
        streamTree: core.toHex(fromStream.treeHash),
        combined: core.toHex(combined),
        awsBlob: await aws.bodyChecksumGenerator({ body: new Blob([data]) }),
        awsText: await aws.bodyChecksumGenerator({ body: 'Welcome to Amazon Glacier.' }),
      };
    }, size);
    const data = mod251(size);
    const tree = referenceTreeHashHex(data);
    const linear = referenceSha256Hex(data);
    const parts = [];
    for (let start = 0; start < size; start += 2 * MIB) {
      const bytes = data.subarray(start, Math.min(start + 2 * MIB, size));
      parts.push({ range: `bytes ${start}-${start + bytes.length - 1}/*`, tree: referenceTreeHashHex(bytes), linear: referenceSha256Hex(bytes) });
    }
    const welcome = '726e392cb4d09924dbad1cc0ba3b00c3643d03d14cb4b823e2f041cff612a628';
    expect(result).toEqual({
      plan: Array.from({ length: 7 }, (_, i) => `bytes ${i * MIB}-${Math.min((i + 1) * MIB, size) - 1}/*`),
      parts,
      tree,
      linear,
      streamTree: tree,
      combined: tree,
      awsBlob: [linear, tree],
      awsText: [welcome, welcome],
    });
    await page.close();
  });

  it('throws the same typed errors', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/dist/`);
    const codes = await page.evaluate(async () => {
      const core = await new Function('return import("/dist/index.js")')();
      const code = (fn: () => unknown) => {
        try {
          fn();
          return 'no error';
        } catch (error) {
          return `${(error as Error).name}:${(error as { code?: string }).code}`;
        }
      };
      const done = core.createTreeHasher();
      done.digest();
      return [code(() => done.update('x')), code(() => core.fromHex('zz')), code(() => core.combineTreeHashes([]))];
    });
    expect(codes).toEqual(['TreeHashError:ERR_HASH_FINALIZED', 'TreeHashError:ERR_INVALID_HEX', 'TreeHashError:ERR_INVALID_INPUT']);
    await page.close();
  });
});
