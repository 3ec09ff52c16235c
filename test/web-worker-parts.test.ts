// hashBlobParts and verifyBlob with { worker: true } in Chromium: the parts, done()'s totals,
// start, save() in the loop body and progress equal the same call on the page's thread (itself
// reference-tested) and the reference (test/reference.ts); abort, break and onProgress's own error
// behave as on the page's thread; options are refused as there, plus what cannot cross. In Node
// (no Web Workers) the option fails with ERR_WORKER_FAILED.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashBlobParts, verifyBlob } from '../src/web/index.js';
import { type LibraryPage, describeInChromium, openLibraryPage } from './chromium.js';
import { codeOf } from './helpers.js';
import { MIB, mod251, referenceSha256Hex, referenceTreeHashHex } from './reference.js';

it('in a runtime without Web Workers, hashBlobParts and verifyBlob with { worker: true } are ERR_WORKER_FAILED; a non-boolean is ERR_INVALID_OPTION', async () => {
  const blob = new Blob([new Uint8Array(3)]);
  expect(await codeOf(() => hashBlobParts(blob, { partSize: MIB, worker: true }))).toBe('ERR_WORKER_FAILED');
  expect(await codeOf(() => hashBlobParts(blob, { partSize: MIB, worker: 1 as unknown as boolean }))).toBe('ERR_INVALID_OPTION');
  expect(await codeOf(() => verifyBlob(blob, referenceTreeHashHex(new Uint8Array(3)), { worker: true }))).toBe('ERR_WORKER_FAILED');
  expect(await codeOf(() => verifyBlob(blob, referenceTreeHashHex(new Uint8Array(3)), { worker: 'yes' as unknown as boolean }))).toBe('ERR_INVALID_OPTION');
});

/** What the page reports of one run: its parts (hex), the state save() gave in the loop body, the totals, progress. */
interface RunReport {
  start: number;
  parts: { index: number; start: number; end: number; size: number; contentRange: string; treeHash: string; sha256: string; keys: string[] }[];
  states: string[];
  totals: { size: number; partSize: number; treeHash: string; sha256: string | null; parts: number; resumedParts: number };
  reports: { bytes: number; total: number | undefined }[];
}

describeInChromium("hashBlobParts and verifyBlob in the library's Web Worker, in Chromium", () => {
  let lib: LibraryPage;
  let page: Page;

  beforeAll(async () => {
    // The page's helpers: one run of hashBlobParts reported as plain data, and an error's code.
    lib = await openLibraryPage('worker-parts', {
      'helpers.js': `export async function report(core, blob, options) {
        const hashing = core.web.hashBlobParts(blob, { ...options, onProgress: (p) => reports.push(p) });
        const reports = [];
        const start = hashing.start;
        const parts = [];
        const states = [];
        for await (const part of hashing) {
          parts.push({ index: part.index, start: part.start, end: part.end, size: part.size, contentRange: part.contentRange,
            treeHash: core.toHex(part.treeHash), sha256: core.toHex(part.sha256), keys: Object.keys(part).sort() });
          try { states.push(core.toHex(hashing.save())); } catch (e) { states.push(e.code); }
        }
        const t = await hashing.done();
        const totals = { size: t.size, partSize: t.partSize, treeHash: core.toHex(t.treeHash), sha256: t.sha256 ? core.toHex(t.sha256) : null,
          parts: t.parts.length, resumedParts: t.resumedParts };
        return { start, parts, states, totals, reports };
      }
      export async function code(fn) {
        try { await fn(); return 'no error'; } catch (e) { return e?.code ?? String(e); }
      }
      export function data(size) { return Uint8Array.from({ length: size }, (_, i) => i % 251); }`,
    });
    page = lib.page;
  });

  afterAll(() => lib?.close());

  it('the parts, save() in the loop body, the totals and progress equal the page thread and the reference, for sizes around the part size', async () => {
    const cases = [
      { size: 1, partSize: MIB },
      { size: MIB - 1, partSize: MIB },
      { size: MIB, partSize: MIB },
      { size: MIB + 1, partSize: MIB },
      { size: 3 * MIB + 5, partSize: MIB },
      { size: 5 * MIB + 3, partSize: 2 * MIB, linear: false },
    ];
    const results = await page.evaluate(async (list) => {
      const core = await new Function('return import("/main.js")')();
      const { report, data } = await new Function('return import("/helpers.js")')();
      const out = [];
      for (const { size, partSize, linear } of list) {
        const blob = new Blob([data(size)]);
        const options = linear === undefined ? { partSize } : { partSize, linear };
        out.push({ inWorker: await report(core, blob, { ...options, worker: true }), onPage: await report(core, blob, options) });
      }
      return out;
    }, cases);
    results.forEach(({ inWorker, onPage }: { inWorker: RunReport; onPage: RunReport }, i) => {
      const { size, partSize, linear } = cases[i]!;
      // Progress between the ends depends on how the Blob's stream happens to be chunked: held to its contract below.
      expect({ ...inWorker, reports: undefined }).toEqual({ ...onPage, reports: undefined });
      const data = mod251(size);
      const count = Math.ceil(size / partSize);
      expect(inWorker.start).toBe(0);
      expect(inWorker.parts.map((p) => [p.index, p.start, p.end, p.treeHash, p.sha256])).toEqual(
        Array.from({ length: count }, (_, k) => {
          const bytes = data.subarray(k * partSize, Math.min(size, (k + 1) * partSize));
          return [k, k * partSize, k * partSize + bytes.length - 1, referenceTreeHashHex(bytes), referenceSha256Hex(bytes)];
        }),
      );
      expect(inWorker.totals).toEqual({
        size,
        partSize,
        treeHash: referenceTreeHashHex(data),
        sha256: linear === false ? null : referenceSha256Hex(data),
        parts: count,
        resumedParts: 0,
      });
      // A short last part comes from finish(): save() is refused after it, as on the page's thread (a full
      // last part is yielded before the end of the Blob is known, so a state is still given there).
      const finished = size % partSize === 0 ? [] : ['ERR_HASH_FINALIZED'];
      expect(inWorker.states.map((state) => (/^[0-9a-f]+$/.test(state) ? 'state' : state))).toEqual([
        ...Array<string>(count - finished.length).fill('state'),
        ...finished,
      ]);
      expect(inWorker.reports.at(-1)).toEqual({ bytes: size, total: size });
      for (const [k, report] of inWorker.reports.entries()) {
        expect(report.total).toBe(size);
        if (k > 0) expect(report.bytes - inWorker.reports[k - 1]!.bytes).toBeGreaterThanOrEqual(k === inWorker.reports.length - 1 ? 1 : MIB);
      }
    });
  });

  it('save() and restore round trip (also resumeFrom), keepBytes moves the bytes, start is right at the call', async () => {
    const size = 4 * MIB + 7;
    const outcome = await page.evaluate(async (size) => {
      const core = await new Function('return import("/main.js")')();
      const { report, data } = await new Function('return import("/helpers.js")')();
      const bytes = data(size);
      const blob = new Blob([bytes]);
      const partSize = 1024 * 1024;
      const savedAt = async (worker: boolean) => {
        const hashing = core.web.hashBlobParts(blob, { partSize, worker });
        const before = core.toHex(hashing.save());
        for await (const part of hashing) if (part.index === 1) return { before, state: hashing.save() };
        throw new Error('no part 1');
      };
      const inWorker = await savedAt(true);
      const onPage = await savedAt(false);
      const restored = await report(core, blob, { partSize, restore: inWorker.state, worker: true });
      const restoredOnPage = await report(core, blob, { partSize, restore: onPage.state });
      const resumeFrom = [core.toHex(core.treeHash(bytes.subarray(0, partSize)))];
      const resumed = await report(core, blob, { partSize, resumeFrom, worker: true });
      const resumedOnPage = await report(core, blob, { partSize, resumeFrom });
      const kept = core.web.hashBlobParts(blob, { partSize, keepBytes: true, worker: true });
      const keptBytes = [];
      for await (const part of kept) keptBytes.push(part.bytes.length === part.size && part.bytes.every((b: number, i: number) => b === bytes[part.start + i]));
      return {
        states: [inWorker.before, core.toHex(inWorker.state)],
        statesOnPage: [onPage.before, core.toHex(onPage.state)],
        restored,
        restoredOnPage,
        resumed,
        resumedOnPage,
        keptBytes,
      };
    }, size);
    expect(outcome.states).toEqual(outcome.statesOnPage);
    const withoutProgress = (run: RunReport) => ({ ...run, reports: undefined });
    expect(withoutProgress(outcome.restored)).toEqual(withoutProgress(outcome.restoredOnPage));
    expect(withoutProgress(outcome.resumed)).toEqual(withoutProgress(outcome.resumedOnPage));
    const data = mod251(size);
    expect(outcome.restored.start).toBe(2 * MIB);
    expect(outcome.restored.parts.map((p: { index: number }) => p.index)).toEqual([2, 3, 4]);
    expect(outcome.restored.totals.treeHash).toBe(referenceTreeHashHex(data));
    expect(outcome.restored.totals.sha256).toBe(referenceSha256Hex(data)); // the kernel's whole-archive SHA-256 was saved
    expect(outcome.resumed.start).toBe(MIB);
    expect(outcome.resumed.totals).toMatchObject({ treeHash: referenceTreeHashHex(data), sha256: null, resumedParts: 1 });
    expect(outcome.keptBytes).toEqual([true, true, true, true, true]);
  });

  it('abort mid-run is ERR_ABORTED; break stops the worker (done() is ERR_INVALID_STATE); onProgress throwing ends it as on the page', async () => {
    const outcome = await page.evaluate(async () => {
      const core = await new Function('return import("/main.js")')();
      const { code } = await new Function('return import("/helpers.js")')();
      const blob = new Blob([new Uint8Array(24 * 1024 * 1024)]);
      const partSize = 1024 * 1024;
      const both = async (run: (worker: boolean) => Promise<unknown>) => [await run(true), await run(false)];

      const aborted = await both(async (worker) => {
        const controller = new AbortController();
        const hashing = core.web.hashBlobParts(blob, { partSize, worker, signal: controller.signal });
        let seen = 0;
        const iteration = await code(async () => {
          for await (const part of hashing) if (++seen === 2 && part) controller.abort('user left');
        });
        return { iteration, seen, done: await code(() => hashing.done()) };
      });

      const stopped = await both(async (worker) => {
        let reports = 0;
        const hashing = core.web.hashBlobParts(blob, { partSize, worker, onProgress: () => reports++ });
        for await (const part of hashing) if (part.index === 1) break;
        const atBreak = reports;
        await new Promise((resolve) => setTimeout(resolve, 300));
        return { reportsAfterBreak: reports - atBreak, done: await code(() => hashing.done()), again: await code(() => hashing[Symbol.asyncIterator]()) };
      });

      const thrown = await both(async (worker) => {
        const mine = new Error('mine');
        const hashing = core.web.hashBlobParts(blob, {
          partSize,
          worker,
          onProgress: () => {
            throw mine;
          },
        });
        let same = false;
        try {
          for await (const part of hashing) if (part) break;
        } catch (e) {
          same = e === mine;
        }
        return { same, save: await code(() => hashing.save()), done: await code(() => hashing.done()) };
      });

      const preAborted = await both(async (worker) => code(() => core.web.hashBlobParts(blob, { partSize, worker, signal: AbortSignal.abort() }).done()));
      const after = core.toHex((await core.web.hashBlobParts(new Blob(['abc']), { partSize, worker: true }).done()).treeHash);
      return { aborted, stopped, thrown, preAborted, after };
    });
    expect(outcome.aborted[0]).toEqual(outcome.aborted[1]);
    expect(outcome.aborted[0]).toEqual({ iteration: 'ERR_ABORTED', seen: 2, done: 'ERR_ABORTED' });
    expect(outcome.stopped[0]).toEqual(outcome.stopped[1]);
    expect(outcome.stopped[0]).toEqual({ reportsAfterBreak: 0, done: 'ERR_INVALID_STATE', again: 'ERR_INVALID_STATE' });
    expect(outcome.thrown[0]).toEqual(outcome.thrown[1]);
    expect(outcome.thrown[0]).toEqual({ same: true, save: 'ERR_INVALID_STATE', done: 'ERR_INVALID_STATE' });
    expect(outcome.preAborted).toEqual(['ERR_ABORTED', 'ERR_ABORTED']);
    expect(outcome.after).toBe(referenceTreeHashHex(new TextEncoder().encode('abc')));
  });

  it('bad options are refused at the call with the codes of the page thread; what cannot cross the boundary is ERR_INVALID_OPTION', async () => {
    const outcome = await page.evaluate(async () => {
      const core = await new Function('return import("/main.js")')();
      const { code } = await new Function('return import("/helpers.js")')();
      const blob = new Blob([new Uint8Array(3 * 1024 * 1024)]);
      const partSize = 1024 * 1024;
      const midPart = core.upload.createPartHasher({ partSize });
      midPart.update(new Uint8Array(5));
      const cases: [string, unknown, unknown][] = [
        ['empty', new Blob([]), { partSize }],
        ['not a Blob', 'abc', { partSize }],
        ['part size', blob, { partSize: 3 }],
        ['no options', blob, undefined],
        ['onProgress', blob, { partSize, onProgress: 'x' }],
        ['signal', blob, { partSize, signal: {} }],
        ['engine', blob, { partSize, engine: 'fast' }],
        ['resumeFrom hex', blob, { partSize, resumeFrom: ['zz'] }],
        ['resumeFrom and restore', blob, { partSize, resumeFrom: [], restore: new Uint8Array(8) }],
        ['restore', blob, { partSize, restore: new Uint8Array(8) }],
        ['resumed past the end', blob, { partSize, resumeFrom: Array(4).fill('00'.repeat(32)) }],
      ];
      const same = [];
      for (const [name, input, options] of cases) {
        const call = (worker: boolean) => code(() => core.web.hashBlobParts(input, options === undefined ? undefined : { ...(options as object), worker }));
        same.push([name, await call(true), name === 'no options' ? await code(() => core.web.hashBlobParts(input)) : await call(false)]);
      }
      const workerOnly = {
        savePointByte: await code(() => core.web.hashBlobParts(blob, { partSize, savePoint: 'byte', worker: true })),
        savePointByteOnPage: await code(() => core.web.hashBlobParts(blob, { partSize, savePoint: 'byte' })),
        restoreMidPart: await code(() => core.web.hashBlobParts(blob, { partSize, restore: midPart.save(), worker: true })),
        restoreMidPartOnPage: await code(() => core.web.hashBlobParts(blob, { partSize, restore: midPart.save() })),
        linearFunction: await code(() => core.web.hashBlobParts(blob, { partSize, linear: () => ({}), worker: true })),
        worker: await code(() => core.web.hashBlobParts(blob, { partSize, worker: 'yes' })),
      };
      return { same, workerOnly };
    });
    for (const [name, inWorker, onPage] of outcome.same) expect(inWorker, name).toBe(onPage);
    expect(Object.fromEntries(outcome.same.map(([name, code]: string[]) => [name, code]))).toEqual({
      empty: 'ERR_EMPTY_ARCHIVE',
      'not a Blob': 'ERR_INVALID_INPUT',
      'part size': 'ERR_INVALID_PART_SIZE',
      'no options': 'ERR_INVALID_OPTION',
      onProgress: 'ERR_INVALID_OPTION',
      signal: 'ERR_INVALID_OPTION',
      engine: 'ERR_INVALID_OPTION',
      'resumeFrom hex': 'ERR_INVALID_HEX',
      'resumeFrom and restore': 'ERR_INVALID_OPTION',
      restore: 'ERR_INVALID_STATE',
      'resumed past the end': 'ERR_INVALID_RANGE',
    });
    expect(outcome.workerOnly).toEqual({
      savePointByte: 'ERR_INVALID_OPTION',
      savePointByteOnPage: 'no error',
      restoreMidPart: 'ERR_INVALID_OPTION',
      restoreMidPartOnPage: 'no error',
      linearFunction: 'ERR_INVALID_OPTION',
      worker: 'ERR_INVALID_OPTION',
    });
  });

  it('verifyBlob, in the worker and on the page: the checksums when the tree hash matches, TreeHashMismatchError otherwise', async () => {
    const sizes = [0, 1, MIB + 1, 3 * MIB + 5];
    const expected = sizes.map((size) => referenceTreeHashHex(mod251(size)));
    const outcome = await page.evaluate(
      async ({ sizes, expected }) => {
        const core = await new Function('return import("/main.js")')();
        const { code, data } = await new Function('return import("/helpers.js")')();
        const out = [];
        for (const [i, size] of sizes.entries()) {
          const blob = new Blob([data(size)]);
          for (const worker of [true, false]) {
            const reports: unknown[] = [];
            const tree = await core.web.verifyBlob(blob, expected[i], { worker, onProgress: (p: unknown) => reports.push(p) });
            const both = await core.web.verifyBlob(blob, expected[i].toUpperCase(), { worker, linear: true });
            const wrong = expected[(i + 1) % sizes.length];
            let mismatch = {};
            try {
              await core.web.verifyBlob(blob, wrong, { worker });
            } catch (e) {
              const error = e as { code: string; expected: string; actual: string };
              mismatch = { code: error.code, isMismatch: e instanceof core.TreeHashMismatchError, expected: error.expected, actual: error.actual };
            }
            out.push({
              size,
              worker,
              tree: { keys: Object.keys(tree).sort(), size: tree.size, treeHash: core.toHex(tree.treeHash) },
              both: { keys: Object.keys(both).sort(), treeHash: core.toHex(both.treeHash), sha256: core.toHex(both.sha256) },
              lastReport: reports.at(-1),
              mismatch,
              badHex: await code(() => core.web.verifyBlob(blob, 'xyz', { worker })),
              range: await code(() => core.web.verifyBlob(blob, expected[i], { worker, range: { start: 0, end: size } })),
              badRange: await code(() => core.web.verifyBlob(blob, expected[i], { worker, range: { start: 2, end: 1 } })),
            });
          }
        }
        return out;
      },
      { sizes, expected },
    );
    for (const [k, result] of outcome.entries()) {
      const i = Math.floor(k / 2);
      const data = mod251(sizes[i]!);
      const wrong = expected[(i + 1) % sizes.length];
      expect(result).toEqual({
        size: sizes[i],
        worker: k % 2 === 0,
        tree: { keys: ['size', 'treeHash'], size: sizes[i], treeHash: expected[i] },
        both: { keys: ['sha256', 'size', 'treeHash'], treeHash: expected[i], sha256: referenceSha256Hex(data) },
        lastReport: { bytes: sizes[i], total: sizes[i] },
        mismatch: { code: 'ERR_TREE_HASH_MISMATCH', isMismatch: true, expected: wrong, actual: expected[i] },
        badHex: 'ERR_INVALID_HEX',
        range: 'ERR_SIZE_MISMATCH',
        badRange: 'ERR_INVALID_RANGE',
      });
    }
  });
});
