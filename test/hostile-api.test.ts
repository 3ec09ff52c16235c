// The library as a hostile or careless caller uses it (issue 11): every bad argument is a
// TreeHashError with its code — options that are not objects, mistyped option values, detached
// buffers, sparse arrays, locked or finished streams —, a callback that throws leaves no hasher
// that would give a wrong digest, plans that would not fit in memory are refused in words that
// name the lazy alternative, and messages say what was wrong.
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import {
  TreeHashError,
  combineTreeHashes,
  computeChecksums,
  createChecksums,
  createTreeHasher,
  fromHex,
  restoreTreeHasher,
  sha256,
  treeHash,
} from '../src/index.js';
import { createPartHasher, hashParts, parseContentRange, parseSize, restorePartHasher } from '../src/upload/index.js';
import {
  assertTreeHashEquals,
  combineChunkTreeHashes,
  decodeLeafManifest,
  describeDownloadPlan,
  downloadChunks,
  expectsChecksum,
  planDownload,
  verifyDownload,
  verifyJobOutput,
  verifyTreeHash,
} from '../src/retrieval/index.js';
import { hashFile, hashStream } from '../src/node/index.js';
import { hashBlob, hashWebStream } from '../src/web/index.js';
import { bodyChecksumGenerator } from '../src/node/aws.js';
import { caught, caughtAsync } from './helpers.js';
import { MIB, referenceTreeHashHex } from './reference.js';

const dir = mkdtempSync(join(tmpdir(), 'treehash-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'f.bin');
writeFileSync(file, 'hello, glacier');

/** A Uint8Array whose buffer was transferred away (detached): its length reads as 0. */
function detached(): Uint8Array {
  const bytes = new Uint8Array(16).fill(7);
  structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
  return bytes;
}

describe('options are an object or undefined, everywhere', () => {
  const NOT_OPTIONS: unknown[] = [null, 5, 'wasm', true, [], () => {}];
  const calls: [string, (options: unknown) => unknown][] = [
    ['treeHash', (o) => treeHash('x', o as never)],
    ['computeChecksums', (o) => computeChecksums('x', o as never)],
    ['sha256', (o) => sha256('x', o as never)],
    ['createTreeHasher', (o) => createTreeHasher(o as never)],
    ['createChecksums', (o) => createChecksums(o as never)],
    ['restoreTreeHasher', (o) => restoreTreeHasher(createTreeHasher().save(), o as never)],
    ['createPartHasher', (o) => createPartHasher(o as never)],
    ['restorePartHasher', (o) => restorePartHasher(createPartHasher({ partSize: MIB }).save(), o as never)],
    ['hashParts', (o) => hashParts(new Uint8Array(5), o as never).done()],
    ['hashFile', (o) => hashFile(file, o as never)],
    ['hashStream', (o) => hashStream([new Uint8Array(1)], o as never)],
    ['hashBlob', (o) => hashBlob(new Blob(['a']), o as never)],
    ['hashWebStream', (o) => hashWebStream(new Blob(['a']).stream(), o as never)],
    ['verifyTreeHash', (o) => verifyTreeHash(new Uint8Array(1), referenceTreeHashHex(new Uint8Array(1)), o as never)],
    ['verifyJobOutput', (o) => verifyJobOutput(new Uint8Array(1), o as never)],
    ['expectsChecksum', (o) => expectsChecksum(o as never)],
    ['planDownload', (o) => planDownload(o as never)],
    ['describeDownloadPlan', (o) => describeDownloadPlan(o as never)],
    ['downloadChunks', (o) => [...downloadChunks(o as never)]],
    ['verifyDownload', (o) => verifyDownload(o as never)],
    ['combineChunkTreeHashes', (o) => combineChunkTreeHashes(o as never)],
  ];
  it.each(calls)('%s refuses null, numbers, strings, arrays and functions as options (ERR_INVALID_OPTION)', async (_name, call) => {
    for (const options of NOT_OPTIONS) {
      const error = await caughtAsync(() => call(options));
      expect({ options: String(options), code: error.code }).toEqual({ options: String(options), code: 'ERR_INVALID_OPTION' });
    }
  });
});

describe('mistyped option values are refused, not ignored', () => {
  const cases: [string, () => unknown][] = [
    ["createTreeHasher({ linear: 'yes' })", () => createTreeHasher({ linear: 'yes' as never })],
    ["hashFile({ signal: 'x' })", () => hashFile(file, { signal: 'x' as never })],
    ['hashStream({ signal: {} })', () => hashStream([new Uint8Array(1)], { signal: {} as never })],
    ["hashBlob({ linear: 'no' })", () => hashBlob(new Blob(['a']), { linear: 'no' as never })],
    ['hashFile({ linear: 0 })', () => hashFile(file, { linear: 0 as never })],
    ["hashParts({ keepBytes: 'yes' })", () => hashParts(new Uint8Array(5), { partSize: MIB, keepBytes: 'yes' as never }).done()],
    ['hashParts({ signal: 1 })', () => hashParts(new Uint8Array(5), { partSize: MIB, signal: 1 as never }).done()],
    ["hashFile({ onLeaf: 'x' })", () => hashFile(file, { onLeaf: 'x' as never })],
    ["verifyTreeHash({ onProgress: 'x' })", () => verifyTreeHash(new Uint8Array(1), '00'.repeat(32), { onProgress: 'x' as never })],
  ];
  it.each(cases)('%s: ERR_INVALID_OPTION', async (_name, call) => {
    expect((await caughtAsync(call)).code).toBe('ERR_INVALID_OPTION');
  });
});

describe('bytes that are not there', () => {
  it('a detached buffer is refused by every hashing call (it would hash as empty)', () => {
    for (const call of [
      () => treeHash(detached()),
      () => computeChecksums(detached()),
      () => sha256(detached()),
      () => createTreeHasher().update(detached()),
      () => createPartHasher({ partSize: MIB }).update(detached()),
      () => treeHash(detached().buffer as ArrayBuffer),
    ]) {
      expect(caught(call).code).toBe('ERR_INVALID_INPUT');
    }
    // An empty buffer that was never detached is fine.
    expect(treeHash(new Uint8Array(0))).toHaveLength(32);
  });

  it('a sparse array of digests names the hole', () => {
    const error = caught(() => combineTreeHashes(new Array(2) as Uint8Array[]));
    expect(error.code).toBe('ERR_INVALID_DIGEST');
    expect(error.message).toContain('digests[0]');
  });
});

describe('streams that cannot be read', () => {
  it('a locked Web stream is a TreeHashError, not the platform TypeError with our code', async () => {
    const stream = new Blob(['abc']).stream();
    stream.getReader();
    const error = await caughtAsync(() => hashWebStream(stream));
    expect(error.code).toBe('ERR_INVALID_INPUT');
    expect(error.message).toMatch(/locked/);
  });

  it('hashStream of bytes says to use the one-shot functions (it walked the bytes as chunks)', async () => {
    const error = await caughtAsync(() => hashStream(new Uint8Array([104, 105]) as never));
    expect(error.code).toBe('ERR_INVALID_INPUT');
    expect(error.message).not.toMatch(/got number 104/);
    expect(error.message).toMatch(/computeChecksums|treeHash/);
  });

  it('hashStream of a Readable that has already ended is refused (it hashed as 0 bytes)', async () => {
    const ended = Readable.from([Buffer.from('abc')]);
    for await (const _ of ended);
    expect((await caughtAsync(() => hashStream(ended))).code).toBe('ERR_INVALID_INPUT');
  });

  it('bodyChecksumGenerator refuses a file stream that was partly read (it hashed the whole file by path)', async () => {
    writeFileSync(join(dir, 'big.bin'), new Uint8Array(200_000).fill(3));
    const stream = createReadStream(join(dir, 'big.bin'), { highWaterMark: 1024 });
    await once(stream, 'readable');
    expect(stream.read(10)).not.toBeNull();
    const error = await caughtAsync(() => bodyChecksumGenerator({ body: stream }));
    expect(error.code).toBe('ERR_INVALID_INPUT');
    stream.destroy();
    // An unread one is hashed by path, as before.
    const fresh = createReadStream(join(dir, 'big.bin'));
    await expect(bodyChecksumGenerator({ body: fresh })).resolves.toHaveLength(2);
    fresh.destroy();
  });
});

describe('a callback that throws leaves no hasher to misuse', () => {
  for (const engine of ['wasm', 'native'] as const) {
    it(`onLeaf throwing during update (${engine}): the error comes back, then the hasher refuses with ERR_INVALID_STATE`, () => {
      const boom = new Error('boom');
      let calls = 0;
      const hasher = createTreeHasher({
        engine,
        onLeaf: () => {
          if (++calls === 2) throw boom;
        },
      });
      expect(() => hasher.update(new Uint8Array(5 * MIB))).toThrow(boom);
      for (const use of [
        () => hasher.digest(),
        () => hasher.update('x'),
        () => hasher.save(),
        () => hasher.copy(),
        () => hasher.appendTreeHash(new Uint8Array(32), MIB),
      ]) {
        expect(caught(use).code).toBe('ERR_INVALID_STATE');
      }
      // reset() starts over, and then the hasher is right again.
      calls = 10;
      expect(hasher.reset().update(new Uint8Array(3)).digest('hex')).toBe(referenceTreeHashHex(new Uint8Array(3)));
    });
  }

  it('onLeaf throwing at digest (the last, partial leaf): no second digest', () => {
    const hasher = createTreeHasher({
      onLeaf: () => {
        throw new Error('late');
      },
    });
    hasher.update('abc');
    expect(() => hasher.digest()).toThrow('late');
    expect(caught(() => hasher.digest()).code).toBe('ERR_INVALID_STATE');
  });

  it('onProgress throwing while hashParts runs: the error comes back, then save() and done() refuse', async () => {
    const boom = new Error('progress boom');
    const hashing = hashParts(new Uint8Array(5 * MIB), {
      partSize: MIB,
      onProgress: () => {
        throw boom;
      },
    });
    await expect(
      (async () => {
        for await (const _ of hashing);
      })(),
    ).rejects.toBe(boom);
    expect(caught(() => hashing.save()).code).toBe('ERR_INVALID_STATE');
    expect((await caughtAsync(() => hashing.done())).code).toBe('ERR_INVALID_STATE');
  });
});

describe('download plans that would not fit in memory', () => {
  it('planDownload refuses beyond its documented bound, naming downloadChunks; downloadChunks is lazy', () => {
    const options = { archiveSize: 42_949_672_960_000, chunkSize: MIB };
    const started = performance.now();
    const error = caught(() => planDownload(options));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.code).toBe('ERR_INVALID_CHUNK_SIZE');
    expect(error.message).toContain('downloadChunks');
    expect(describeDownloadPlan(options).chunkCount).toBe(40_960_000);
    expect(downloadChunks(options).next().value).toEqual({ range: { start: 0, end: MIB - 1 }, archiveRange: { start: 0, end: MIB - 1 } });
  });

  it('archive sizes stop at 42,949,672,960,000 bytes, as planParts does', () => {
    for (const call of [
      () => describeDownloadPlan({ archiveSize: 42_949_672_960_001, chunkSize: 4096 * MIB }),
      () => expectsChecksum({ archiveSize: 42_949_672_960_001 }),
    ]) {
      expect(caught(call).code).toBe('ERR_ARCHIVE_TOO_LARGE');
    }
  });
});

describe('messages say what was wrong', () => {
  it('fromHex with a bad expected length names the length, not "-2 hex digits"', () => {
    const error = caught(() => fromHex('ab', -1));
    expect(error.code).toBe('ERR_INVALID_OPTION');
    expect(error.message).not.toContain('-2 hex digits');
    expect(error.message).toContain('-1');
  });

  it('parseContentRange never lists a form it refuses', () => {
    for (const text of ['abc', 'bytes=0-1', '0-1']) {
      const error = caught(() => parseContentRange(text));
      expect(error.code).toBe('ERR_INVALID_CONTENT_RANGE');
      expect(error.message).not.toContain('"bytes=START-END"');
      expect(error.message).not.toMatch(/"START-END"/);
    }
  });

  it('a mismatch of a non-empty payload is not "the empty payload"', () => {
    const error = caught(() => assertTreeHashEquals(treeHash(new Uint8Array(11)), '00'.repeat(32)));
    expect(error.code).toBe('ERR_TREE_HASH_MISMATCH');
    expect(error.message).not.toContain('empty');
  });

  it('bytes that are not a manifest are described, not printed as binary', () => {
    const error = caught(() => decodeLeafManifest(Uint8Array.from([0xff, 0xfe, 0x00, 0x1b, 0x0a, 0x41])));
    expect(error.code).toBe('ERR_INVALID_MANIFEST');
    // eslint-disable-next-line no-control-regex
    expect(error.message).not.toMatch(/[\u0000-\u001f\u007f-\u00ff\ufffd]/);
  });

  it('restoreTreeHasher(null) and restorePartHasher(null): the same code', () => {
    expect(caught(() => restoreTreeHasher(null as never)).code).toBe('ERR_INVALID_STATE');
    expect(caught(() => restorePartHasher(null as never)).code).toBe('ERR_INVALID_STATE');
  });

  it('parseSize: one-letter units are binary, two-letter decimal-looking ones refused, as documented', () => {
    expect(parseSize('8M')).toBe(8 * MIB);
    expect(parseSize('8MiB')).toBe(8 * MIB);
    expect(caught(() => parseSize('8MB')).code).toBe('ERR_INVALID_SIZE');
  });
});

it('every error above is a TreeHashError (sanity of the helpers)', () => {
  expect(caught(() => treeHash(42 as never))).toBeInstanceOf(TreeHashError);
});
