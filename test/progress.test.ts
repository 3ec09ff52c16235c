// onProgress on the long-running hashing calls: reports by bytes (at least 1 MiB apart, so a
// big input gets a bounded number of calls), never decreasing, ending with one final call at
// the result's size; results unchanged (checked against the independent reference); a throwing
// callback rejects the call with its own error; a bad option is ERR_INVALID_OPTION before any read.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../src/hash/engine.js';
import { type HashProgress, PROGRESS_STEP } from '../src/stream/progress.js';
import { TreeHashError } from '../src/core/errors.js';
import { type PartHashing } from '../src/upload/types.js';
import { fromHex, toHex } from '../src/core/hex.js';
import { hashParts } from '../src/upload/hash-parts.js';
import { verifyTreeHash } from '../src/retrieval/verify.js';
import { registerNativeHash } from '../src/hash/engine.js';
import { hashFile, hashStream } from '../src/node/files.js';
import { hashFileParts } from '../src/node/parts.js';
import { manifestOfFile } from '../src/node/manifest.js';
import { hashBlob, hashWebStream } from '../src/web/streams.js';
import { hashBlobParts } from '../src/web/parts.js';
import { codeOf, codeOfSync } from './helpers.js';
import { MIB, mod251, referenceSha256Hex, referenceTreeHashHex } from './reference.js';

const dir = mkdtempSync(join(tmpdir(), 'treehash-progress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileOf(name: string, data: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

/** A Node Readable giving `data` in `chunkSize` pieces (small pieces: the throttle must hold). */
function readableOf(data: Uint8Array, chunkSize = 64 * 1024): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= data.length) this.push(null);
      else {
        this.push(data.subarray(offset, offset + chunkSize));
        offset += chunkSize;
      }
    },
  });
}

/** A Web ReadableStream giving `data` in `chunkSize` pieces. */
function webStreamOf(data: Uint8Array, chunkSize = 64 * 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= data.length) controller.close();
      else {
        controller.enqueue(data.slice(offset, offset + chunkSize));
        offset += chunkSize;
      }
    },
  });
}

function recorder(): { calls: HashProgress[]; onProgress: (progress: HashProgress) => void } {
  const calls: HashProgress[] = [];
  return { calls, onProgress: (progress) => void calls.push({ ...progress }) };
}

/**
 * The contract: the last call is { bytes: size, total: size }; the ones before it carry the known
 * total (or undefined), strictly increasing bytes at least 1 MiB apart and below the size.
 */
function expectContract(calls: HashProgress[], size: number, total: number | undefined): void {
  expect(calls.length).toBeGreaterThan(0);
  expect(calls[calls.length - 1]).toEqual({ bytes: size, total: size });
  let previous = 0;
  for (const call of calls.slice(0, -1)) {
    expect(call.total).toBe(total);
    expect(call.bytes - previous).toBeGreaterThanOrEqual(MIB);
    if (total !== undefined) expect(call.bytes).toBeLessThan(size);
    else expect(call.bytes).toBeLessThanOrEqual(size);
    previous = call.bytes;
  }
  expect(calls.length).toBeLessThanOrEqual(Math.floor(size / MIB) + 1);
}

type Hashed = { size: number; treeHash: Uint8Array; sha256: Uint8Array };

/** Every progress-reporting entry point over the same bytes, and the total it should announce. */
const ENTRY_POINTS: {
  name: string;
  total: (size: number) => number | undefined;
  run: (path: string, data: Uint8Array, options: object) => Promise<Hashed>;
}[] = [
  { name: 'hashFile', total: (size) => size, run: (path, _data, options) => hashFile(path, options) },
  { name: 'hashStream', total: () => undefined, run: (_path, data, options) => hashStream(readableOf(data), options) },
  { name: 'hashBlob', total: (size) => size, run: (_path, data, options) => hashBlob(new Blob([data as Uint8Array<ArrayBuffer>]), options) },
  {
    name: 'hashWebStream',
    total: () => undefined,
    run: (_path, data, options) => hashWebStream(webStreamOf(data), options),
  },
];

describe('onProgress', () => {
  it('PROGRESS_STEP is one MiB', () => {
    expect(PROGRESS_STEP).toBe(MIB);
  });

  it('a 64 MiB input: at most 65 calls (1 MiB apart), ending at the total; results match the reference', async () => {
    const data = mod251(64 * MIB);
    const path = fileOf('big.bin', data);
    const expected = { treeHash: referenceTreeHashHex(data), sha256: referenceSha256Hex(data) };
    for (const entry of ENTRY_POINTS) {
      const { calls, onProgress } = recorder();
      const result = await entry.run(path, data, { onProgress });
      expect({ name: entry.name, treeHash: toHex(result.treeHash), sha256: toHex(result.sha256) }).toEqual({ name: entry.name, ...expected });
      expectContract(calls, data.length, entry.total(data.length));
      // Reports are not all saved up for the end: most come while hashing.
      expect(calls.length).toBeGreaterThanOrEqual(16);
    }
    const { calls, onProgress } = recorder();
    const manifest = await manifestOfFile(path, { onProgress });
    expect(toHex(manifest.treeHash)).toBe(expected.treeHash);
    expectContract(calls, data.length, data.length);
  });

  it.each(ENGINES.map((engine) => [engine]))('engine %s: every entry point, boundary sizes, past the worker threshold', async (engine) => {
    const all = mod251(20 * MIB + 5);
    for (const size of [0, 1, MIB, MIB + 1, 8 * MIB, 20 * MIB + 5]) {
      const data = all.subarray(0, size);
      const path = fileOf(`size-${size}.bin`, data);
      for (const entry of ENTRY_POINTS) {
        const { calls, onProgress } = recorder();
        const result = await entry.run(path, data, { onProgress, engine });
        expect([entry.name, size, toHex(result.treeHash), toHex(result.sha256)]).toEqual([
          entry.name,
          size,
          referenceTreeHashHex(data),
          referenceSha256Hex(data),
        ]);
        expectContract(calls, size, entry.total(size));
      }
    }
  });

  it('empty input: exactly one call, { bytes: 0, total: 0 }', async () => {
    const path = fileOf('empty.bin', new Uint8Array(0));
    for (const entry of ENTRY_POINTS) {
      const { calls, onProgress } = recorder();
      await entry.run(path, new Uint8Array(0), { onProgress });
      expect(calls).toEqual([{ bytes: 0, total: 0 }]);
    }
  });

  it('hashFile of a range announces the range as the total; linear: false too', async () => {
    const data = mod251(7 * MIB + 9);
    const path = fileOf('range.bin', data);
    const { calls, onProgress } = recorder();
    const result = await hashFile(path, { start: MIB + 3, end: 6 * MIB + 2, linear: false, onProgress });
    const range = data.subarray(MIB + 3, 6 * MIB + 3);
    expect(toHex(result.treeHash)).toBe(referenceTreeHashHex(range));
    expectContract(calls, range.length, range.length);
  });

  it('hashFile of a pipe has no total until the final call', async () => {
    const fifo = join(dir, 'pipe');
    if (spawnSync('mkfifo', [fifo]).status !== 0) throw new Error('mkfifo failed');
    const data = mod251(3 * MIB + 5);
    const writer = createWriteStream(fifo);
    writer.end(data);
    const { calls, onProgress } = recorder();
    const result = await hashFile(fifo, { onProgress });
    expect(toHex(result.treeHash)).toBe(referenceTreeHashHex(data));
    expectContract(calls, data.length, undefined);
  });

  it('random sizes and chunkings of a stream (fast-check)', async () => {
    const all = mod251(5 * MIB);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 5 * MIB }), fc.integer({ min: 1, max: 3 * MIB }), async (size, chunkSize) => {
        const data = all.subarray(0, size);
        const node = recorder();
        const web = recorder();
        const fromNode = await hashStream(readableOf(data, chunkSize), { onProgress: node.onProgress });
        const fromWeb = await hashBlob(new Blob([data]), { onProgress: web.onProgress, linear: false });
        expect(toHex(fromNode.treeHash)).toBe(referenceTreeHashHex(data));
        expect(toHex(fromWeb.treeHash)).toBe(referenceTreeHashHex(data));
        expectContract(node.calls, size, undefined);
        expectContract(web.calls, size, size);
      }),
      { numRuns: 10 },
    );
  });

  it('where only WebCrypto exists (leaves in flight), hashBlob still reports by the contract', async () => {
    registerNativeHash(null);
    try {
      for (const size of [0, MIB + 1, 13 * MIB + 5]) {
        const data = mod251(size);
        const { calls, onProgress } = recorder();
        const result = await hashBlob(new Blob([data]), { engine: 'native', onProgress });
        expect([toHex(result.treeHash), toHex(result.sha256)]).toEqual([referenceTreeHashHex(data), referenceSha256Hex(data)]);
        expectContract(calls, size, size);
      }
    } finally {
      registerNativeHash(undefined);
    }
  });
});

describe('verifyTreeHash with onProgress', () => {
  const data = mod251(5 * MIB + 3);
  const hex = referenceTreeHashHex(data);

  it('reports for a stream, a Web stream and bytes given at once, then resolves to the tree hash', async () => {
    const sources: [string, () => Parameters<typeof verifyTreeHash>[0], number | undefined][] = [
      ['Readable', () => readableOf(data), undefined],
      ['ReadableStream', () => webStreamOf(data), undefined],
      ['bytes', () => data, data.length],
    ];
    for (const [name, source, total] of sources) {
      const { calls, onProgress } = recorder();
      const treeHash = await verifyTreeHash(source(), hex, { onProgress, range: { start: 0, end: data.length - 1 } });
      expect([name, toHex(treeHash)]).toEqual([name, hex]);
      expectContract(calls, data.length, total);
    }
  });

  it('a mismatch still rejects, after the final call; a throwing callback rejects with its error', async () => {
    const { calls, onProgress } = recorder();
    const wrong = hex.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(await codeOf(() => verifyTreeHash(readableOf(data), wrong, { onProgress }))).toBe('ERR_TREE_HASH_MISMATCH');
    expectContract(calls, data.length, undefined);
    const thrown = new Error('stop');
    const outcome = await verifyTreeHash(data, hex, {
      onProgress: () => {
        throw thrown;
      },
    }).catch((error: unknown) => error);
    expect(outcome).toBe(thrown);
  });

  it('an onProgress that is not a function is ERR_INVALID_OPTION, for bytes too', async () => {
    expect(await codeOf(() => verifyTreeHash(data, hex, { onProgress: 'x' } as never))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(() => verifyTreeHash(readableOf(data), hex, { onProgress: 1 } as never))).toBe('ERR_INVALID_OPTION');
  });
});

describe('a throwing onProgress callback', () => {
  const data = mod251(24 * MIB + 7);
  const path = fileOf('throw.bin', data);

  it.each(ENGINES.map((engine) => [engine]))('engine %s: rejects with its own error, mid-way and on the final call', async (engine) => {
    for (const entry of ENTRY_POINTS) {
      for (const when of ['first', 'third', 'final'] as const) {
        const thrown = new Error(`stop at ${when}`);
        let calls = 0;
        const onProgress = (progress: HashProgress): void => {
          calls++;
          const final = progress.total === progress.bytes && progress.bytes === data.length;
          if ((when === 'first' && calls === 1) || (when === 'third' && calls === 3) || (when === 'final' && final)) throw thrown;
        };
        const outcome = await entry.run(path, data, { onProgress, engine }).then(
          () => 'resolved',
          (error: unknown) => error,
        );
        expect([entry.name, when, outcome]).toEqual([entry.name, when, thrown]);
        expect(outcome).toBe(thrown); // the very error, not wrapped in ERR_READ_FAILED
        if (when !== 'final') expect(calls).toBe(when === 'first' ? 1 : 3); // and no call after it
      }
    }
    // Nothing is left broken: the next call hashes correctly.
    const again = await hashFile(path, { engine });
    expect(toHex(again.treeHash)).toBe(referenceTreeHashHex(data));
  });

  it('a source failing after some reports: ERR_READ_FAILED with its error, no final call, no hang', async () => {
    const failure = new Error('disk gone');
    // More than the 16 MiB Node's hashStream reads ahead of its reports.
    const half = data.subarray(0, 20 * MIB);
    const failingNode = (): Readable =>
      Readable.from(
        (async function* () {
          for (let offset = 0; offset < half.length; offset += 64 * 1024) yield half.subarray(offset, offset + 64 * 1024);
          throw failure;
        })(),
      );
    const failingWeb = (): ReadableStream<Uint8Array> => {
      const reader = webStreamOf(half).getReader();
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { done, value } = await reader.read();
          if (done) controller.error(failure);
          else controller.enqueue(value);
        },
      });
    };
    for (const engine of ['auto', 'wasm'] as const) {
      for (const [name, run] of [
        ['hashStream', (onProgress: (p: HashProgress) => void) => hashStream(failingNode(), { onProgress, engine })],
        ['hashWebStream', (onProgress: (p: HashProgress) => void) => hashWebStream(failingWeb(), { onProgress, engine })],
      ] as const) {
        const { calls, onProgress } = recorder();
        const error = await run(onProgress).catch((e: unknown) => e);
        expect([engine, name, (error as TreeHashError).code, (error as TreeHashError).cause]).toEqual([engine, name, 'ERR_READ_FAILED', failure]);
        expect(calls.length).toBeGreaterThan(0); // it got going before the failure
        for (const call of calls) expect([name, call.total, call.bytes <= half.length]).toEqual([name, undefined, true]);
      }
    }
  });

  it('passes a thrown non-Error through as it is, and stops reading the stream', async () => {
    const stream = readableOf(data);
    const outcome = await hashStream(stream, {
      onProgress: () => {
        throw 'not an Error';
      },
    }).then(
      () => 'resolved',
      (error: unknown) => error,
    );
    expect(outcome).toBe('not an Error');
    expect(stream.destroyed).toBe(true);
  });

  it('an abort from inside the callback rejects with ERR_ABORTED and there is no final call', async () => {
    const controller = new AbortController();
    const { calls, onProgress } = recorder();
    const code = await codeOf(() =>
      hashStream(readableOf(data), {
        signal: controller.signal,
        onProgress: (progress) => {
          onProgress(progress);
          controller.abort();
        },
      }),
    );
    expect(code).toBe('ERR_ABORTED');
    expect(calls.length).toBe(1);
    expect(calls[0]!.bytes).toBeLessThan(data.length);
  });
});

describe('an invalid onProgress', () => {
  const bad: unknown[] = ['x', 42, {}, null, true];

  it('is ERR_INVALID_OPTION before anything is opened or read, on every entry point', async () => {
    const missing = join(dir, 'no-such-file');
    for (const onProgress of bad) {
      const options = { onProgress } as never;
      // A missing file would be ERR_READ_FAILED: the option is checked first.
      expect(await codeOf(() => hashFile(missing, options))).toBe('ERR_INVALID_OPTION');
      expect(await codeOf(() => manifestOfFile(missing, options))).toBe('ERR_INVALID_OPTION');
      const stream = readableOf(mod251(10));
      expect(await codeOf(() => hashStream(stream, options))).toBe('ERR_INVALID_OPTION');
      expect(stream.readableDidRead).toBe(false);
      expect(await codeOf(() => hashBlob(new Blob(['abc']), options))).toBe('ERR_INVALID_OPTION');
      const webStream = new Blob(['abc']).stream();
      expect(await codeOf(() => hashWebStream(webStream, options))).toBe('ERR_INVALID_OPTION');
      expect(webStream.locked).toBe(false); // still usable: no reader was taken
    }
    const error = await hashBlob(new Blob(['abc']), { onProgress: 42 } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TreeHashError);
    expect((error as TreeHashError).message).toContain('onProgress');
    expect((error as TreeHashError).message).toContain('number 42');
  });
});

describe('onProgress of part hashing', () => {
  const partSize = 4 * MIB;

  /** Hashes every part, checking each part and the archive against the reference. */
  async function expectParts(hashing: PartHashing, data: Uint8Array, from = 0): Promise<void> {
    for await (const part of hashing) {
      const start = part.index * partSize;
      expect(start).toBeGreaterThanOrEqual(from);
      const bytes = data.subarray(start, start + partSize);
      expect(toHex(part.treeHash)).toBe(referenceTreeHashHex(bytes));
      expect(toHex(part.sha256)).toBe(referenceSha256Hex(bytes));
    }
    const result = await hashing.done();
    expect(result.size).toBe(data.length);
    expect(toHex(result.treeHash)).toBe(referenceTreeHashHex(data));
  }

  it('bytes, a file, a Blob and a stream: the contract, the total known where the size is', async () => {
    const data = mod251(17 * MIB + 5);
    const path = fileOf('parts.bin', data);
    const cases: [string, (onProgress: (progress: HashProgress) => void) => ReturnType<typeof hashParts>, number | undefined][] = [
      ['bytes', (onProgress) => hashParts(data, { partSize, onProgress }), data.length],
      ['file', (onProgress) => hashFileParts(path, { partSize, onProgress }), data.length],
      ['Blob', (onProgress) => hashBlobParts(new Blob([data]), { partSize, onProgress }), data.length],
      ['Readable', (onProgress) => hashParts(readableOf(data), { partSize, onProgress }), undefined],
    ];
    for (const [name, start, total] of cases) {
      const { calls, onProgress } = recorder();
      await expectParts(start(onProgress), data);
      expect({ name, last: calls.at(-1) }).toEqual({ name, last: { bytes: data.length, total: data.length } });
      expectContract(calls, data.length, total);
    }
  });

  it('a run resumed after two parts counts the bytes it hashes, against what is left', async () => {
    const data = mod251(10 * MIB + 1);
    const resumeFrom = [0, 1].map((i) => fromHex(referenceTreeHashHex(data.subarray(i * partSize, (i + 1) * partSize))));
    const { calls, onProgress } = recorder();
    await expectParts(hashFileParts(fileOf('resumed.bin', data), { partSize, resumeFrom, onProgress }), data, 2 * partSize);
    expectContract(calls, data.length - 2 * partSize, data.length - 2 * partSize);
  });

  it('the final call comes before the last part is yielded, with every byte hashed', async () => {
    const data = mod251(9 * MIB);
    const { calls, onProgress } = recorder();
    const seen: number[] = [];
    for await (const part of hashParts(data, { partSize, onProgress })) seen.push(calls.at(-1)!.bytes - part.end - 1);
    // After each part is yielded the count has reached at least that part's end.
    expect(seen.every((ahead) => ahead >= 0)).toBe(true);
    expect(calls.at(-1)).toEqual({ bytes: data.length, total: data.length });
  });

  it('a throwing callback rejects the iteration with its own error; a bad option is ERR_INVALID_OPTION at the call', async () => {
    const data = mod251(9 * MIB);
    const thrown = new Error('stop here');
    let count = 0;
    const failing = () => {
      if (++count === 3) throw thrown;
    };
    for (const hashing of [hashParts(data, { partSize, onProgress: failing }), hashFileParts(fileOf('throw.bin', data), { partSize, onProgress: failing })]) {
      count = 0;
      let error: unknown;
      try {
        for await (const _part of hashing) void _part;
      } catch (caught) {
        error = caught;
      }
      expect(error).toBe(thrown);
    }
    for (const bad of [42, 'yes', {}]) {
      expect(codeOfSync(() => hashParts(data, { partSize, onProgress: bad as never }))).toBe('ERR_INVALID_OPTION');
      expect(codeOfSync(() => hashFileParts('/nonexistent', { partSize, onProgress: bad as never }))).toBe('ERR_INVALID_OPTION');
    }
  });
});
