// hashBlob(blob, { worker: true }) in Chromium: the library, bundled with esbuild as a client
// bundles it (test/fixtures/browser-lib.js), starts its own Web Worker from its module URL;
// results equal the reference; progress, abort and the callback's own error cross the boundary;
// bad options fail before anything is posted. In Node (no Web Workers) the option fails with
// ERR_WORKER_FAILED.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashBlob } from '../src/web/index.js';
import { type LibraryPage, describeInChromium, openLibraryPage } from './chromium.js';
import { codeOf } from './helpers.js';
import { MIB, mod251, referenceSha256Hex, referenceTreeHashHex } from './reference.js';

it('in a runtime without Web Workers, { worker: true } is ERR_WORKER_FAILED; a non-boolean is ERR_INVALID_OPTION', async () => {
  expect(typeof (globalThis as { Worker?: unknown }).Worker).toBe('undefined');
  expect(await codeOf(() => hashBlob(new Blob([new Uint8Array(3)]), { worker: true }))).toBe('ERR_WORKER_FAILED');
  expect(await codeOf(() => hashBlob(new Blob([]), { worker: 'yes' as unknown as boolean }))).toBe('ERR_INVALID_OPTION');
});

describeInChromium("hashBlob in the library's Web Worker, in Chromium", () => {
  let lib: LibraryPage;
  let page: Page;

  beforeAll(async () => {
    lib = await openLibraryPage('worker');
    page = lib.page;
  });

  afterAll(() => lib?.close());

  it('gives the reference hashes, with progress reports that end at the size', async () => {
    const sizes = [0, 1, MIB - 1, MIB, 4 * MIB + 1, 9 * MIB + 3];
    const results = await page.evaluate(async (sizeList) => {
      const core = await new Function('return import("/main.js")')();
      const web = core.web;
      const out = [];
      for (const size of sizeList) {
        const data = Uint8Array.from({ length: size }, (_, i) => i % 251);
        const reports: { bytes: number; total: number | undefined }[] = [];
        const both = await web.hashBlob(new Blob([data]), { worker: true, onProgress: (p: { bytes: number; total: number | undefined }) => reports.push(p) });
        const tree = await web.hashBlob(new Blob([data]), { worker: true, linear: false });
        out.push({
          size,
          tree: core.toHex(both.treeHash),
          linear: core.toHex(both.sha256),
          treeOnly: core.toHex(tree.treeHash),
          keys: Object.keys(tree).sort(),
          reports,
        });
      }
      return out;
    }, sizes);
    for (const { size, tree, linear, treeOnly, keys, reports } of results) {
      const data = mod251(size);
      expect({ tree, linear, treeOnly }).toEqual({ tree: referenceTreeHashHex(data), linear: referenceSha256Hex(data), treeOnly: referenceTreeHashHex(data) });
      expect(keys).toEqual(['size', 'treeHash']);
      expect(reports.at(-1)).toEqual({ bytes: size, total: size });
      expect(reports.length).toBeLessThanOrEqual(Math.floor(size / MIB) + 1);
      for (let i = 1; i < reports.length; i++) expect(reports[i]!.bytes).toBeGreaterThanOrEqual(reports[i - 1]!.bytes);
    }
  });

  it("abort crosses to the worker (ERR_ABORTED, with the reason); the callback's own error comes back as itself; the worker goes on serving", async () => {
    const outcome = await page.evaluate(async () => {
      const core = await new Function('return import("/main.js")')();
      const web = core.web;
      const blob = new Blob([new Uint8Array(48 * 1024 * 1024)]);
      const controller = new AbortController();
      let reportsAfterAbort = 0;
      const aborted = await web
        .hashBlob(blob, {
          worker: true,
          signal: controller.signal,
          onProgress: () => (controller.signal.aborted ? reportsAfterAbort++ : controller.abort('user left')),
        })
        .then(
          () => 'resolved',
          (e: { code: string; cause: unknown }) => `${e.code} ${String(e.cause)}`,
        );
      const thrown = { mine: true };
      const callbackError = await web
        .hashBlob(blob, {
          worker: true,
          onProgress: () => {
            throw thrown;
          },
        })
        .then(
          () => 'resolved',
          (e: unknown) => e === thrown,
        );
      const already = await web.hashBlob(blob, { worker: true, signal: AbortSignal.abort() }).then(
        () => 'resolved',
        (e: { code: string }) => e.code,
      );
      const onLeaf = await web.hashBlob(blob, { worker: true, onLeaf: () => {} }).then(
        () => 'resolved',
        (e: { code: string }) => e.code,
      );
      const engine = await web.hashBlob(blob, { worker: true, engine: 'fast' }).then(
        () => 'resolved',
        (e: { code: string }) => e.code,
      );
      const after = core.toHex((await web.hashBlob(new Blob(['Welcome to Amazon Glacier.']), { worker: true })).treeHash);
      return { aborted, reportsAfterAbort, callbackError, already, onLeaf, engine, after };
    });
    expect(outcome).toEqual({
      aborted: 'ERR_ABORTED user left',
      reportsAfterAbort: 0,
      callbackError: true,
      already: 'ERR_ABORTED',
      onLeaf: 'ERR_INVALID_OPTION',
      engine: 'ERR_INVALID_OPTION',
      after: referenceTreeHashHex(new TextEncoder().encode('Welcome to Amazon Glacier.')),
    });
  });

  it('a bundle served without worker.js: ERR_WORKER_FAILED that says where worker.js must be; hashing on the page still works', async () => {
    rmSync(join(lib.dir, 'worker.js'));
    const fresh = await lib.browser.newPage();
    await fresh.goto(`${lib.origin}/`);
    const outcome = await fresh.evaluate(async () => {
      const core = await new Function('return import("/main.js")')();
      const failed = await core.web.hashBlob(new Blob(['abc']), { worker: true }).then(
        () => 'resolved',
        (e: { code: string; message: string }) => `${e.code} ${e.message}`,
      );
      const onPage = core.toHex((await core.web.hashBlob(new Blob(['abc']))).treeHash);
      return { failed, onPage };
    });
    expect(outcome.failed).toMatch(/^ERR_WORKER_FAILED .*worker\.js/);
    expect(outcome.onPage).toBe(referenceTreeHashHex(new TextEncoder().encode('abc')));
    await fresh.close();
  });
});
