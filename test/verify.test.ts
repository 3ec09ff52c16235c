import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TreeHashError } from '../src/core/errors.js';
import { type ByteRange, parseRange } from '../src/core/byte-range.js';
import { planDownload } from '../src/retrieval/download-plan.js';
import { TreeHashMismatchError } from '../src/core/mismatch.js';
import { assertTreeHashEquals, createTreeHashCheck, verifyTreeHash, verifyTreeHashSync, verifyJobOutput } from '../src/retrieval/verify.js';
import { combineChunkTreeHashes, verifyDownload } from '../src/retrieval/verify-download.js';
import { toTreeHashBytes } from '../src/core/digest.js';
import { createVerifier as createNodeVerifier } from '../src/node/verify.js';
import { createVerifier as createWebVerifier } from '../src/web/verify.js';
import { MIB, mod251, referenceLeafDigests, referenceRoot, referenceTreeHash, referenceTreeHashHex } from './reference.js';
import { caught, codeOf } from './helpers.js';
import { ALIGNED_6_5_MIB, SIZE_6_5_MIB } from './retrieval-fixtures.js';

const archive = mod251(SIZE_6_5_MIB);
const slice = (data: Uint8Array, r: ByteRange) => data.subarray(r.start, r.end + 1);

describe('verifyTreeHash / verifyTreeHashSync', () => {
  it('accepts each of the 13 aligned ranges of the 6.5 MiB fixture with its published checksum, in either case', async () => {
    for (const [text, hex] of ALIGNED_6_5_MIB) {
      const range = parseRange(text);
      const body = slice(archive, range);
      expect(referenceTreeHashHex(body)).toBe(hex); // the fixture agrees with the oracle
      expect(verifyTreeHashSync(body, hex)).toEqual(referenceTreeHash(body));
      expect(verifyTreeHashSync(body, hex.toUpperCase(), { range })).toEqual(referenceTreeHash(body));
      await expect(verifyTreeHash(body, ` ${hex}\n`)).resolves.toEqual(referenceTreeHash(body));
    }
  });

  it('raises TreeHashMismatchError with expected, actual and the range', () => {
    const range = parseRange('4194304-6815743');
    const body = slice(archive, range);
    const wrong = ALIGNED_6_5_MIB[0]![1].toUpperCase();
    const error = caught(() => verifyTreeHashSync(body, wrong, { range }));
    expect(error).toBeInstanceOf(TreeHashMismatchError);
    expect(error.code).toBe('ERR_TREE_HASH_MISMATCH');
    const mismatch = error as TreeHashMismatchError;
    expect(mismatch.expected).toBe(wrong.toLowerCase());
    expect(mismatch.actual).toBe(referenceTreeHashHex(body));
    expect(mismatch.range).toEqual(range);
    // Without a range the error names the bytes that were checked.
    expect((caught(() => verifyTreeHashSync(body, wrong)) as TreeHashMismatchError).range).toEqual({ start: 0, end: body.length - 1 });
  });

  it('validates the expected hash first: a malformed one is an input error, not a mismatch', () => {
    for (const bad of ['', 'abc', 'g'.repeat(64), 'a'.repeat(63), 'a'.repeat(66)]) {
      expect(caught(() => verifyTreeHashSync(archive.subarray(0, 10), bad)).code).toBe('ERR_INVALID_HEX');
    }
    expect(caught(() => verifyTreeHashSync(archive.subarray(0, 10), new Uint8Array(31))).code).toBe('ERR_INVALID_DIGEST');
    expect(caught(() => toTreeHashBytes(42 as unknown as string)).code).toBe('ERR_INVALID_DIGEST');
  });

  it('checks the length against a given range', () => {
    const range = parseRange('0-1048575');
    expect(caught(() => verifyTreeHashSync(archive.subarray(0, MIB - 1), ALIGNED_6_5_MIB[0]![1], { range })).code).toBe('ERR_SIZE_MISMATCH');
  });

  it('reads iterables, async iterables, Node Readables and Web ReadableStreams, cut anywhere', async () => {
    const body = archive.subarray(0, 3 * MIB + 12345);
    const expected = referenceTreeHashHex(body);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: body.length }), { maxLength: 6 }), async (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), body.length];
        const pieces = points.slice(1).map((end, i) => body.subarray(points[i]!, end));
        await verifyTreeHash(pieces, expected);
        await verifyTreeHash(Readable.from(pieces.map((p) => Buffer.from(p))), expected);
        await verifyTreeHash(
          (async function* () {
            yield* pieces;
          })(),
          expected,
        );
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            for (const p of pieces) controller.enqueue(p);
            controller.close();
          },
        });
        await verifyTreeHash(stream, expected);
      }),
      { numRuns: 15 },
    );
    expect(await codeOf(() => verifyTreeHash([body], ALIGNED_6_5_MIB[1]![1]))).toBe('ERR_TREE_HASH_MISMATCH');
    expect(await codeOf(() => verifyTreeHash(42 as never, expected))).toBe('ERR_INVALID_INPUT');
    const failing = new Readable({
      read() {
        this.destroy(new Error('network down'));
      },
    });
    expect(await codeOf(() => verifyTreeHash(failing, expected))).toBe('ERR_READ_FAILED');
  });

  it('assertTreeHashEquals refuses a malformed range whether or not the hashes match', () => {
    const same = referenceTreeHash(archive.subarray(0, 3));
    for (const range of [
      { start: 5, end: 1 },
      { start: -1, end: 1 },
    ]) {
      expect(caught(() => assertTreeHashEquals(same, same, range)).code).toBe('ERR_INVALID_RANGE');
      expect(caught(() => assertTreeHashEquals(new Uint8Array(32), same, range)).code).toBe('ERR_INVALID_RANGE');
    }
  });

  it('assertTreeHashEquals compares bytes, hex of either case', () => {
    const hex = ALIGNED_6_5_MIB[0]![1];
    assertTreeHashEquals(hex.toUpperCase(), toTreeHashBytes(hex));
    expect(caught(() => assertTreeHashEquals(hex, ALIGNED_6_5_MIB[1]![1])).code).toBe('ERR_TREE_HASH_MISMATCH');
  });

  it('a check runs once', () => {
    const check = createTreeHashCheck(ALIGNED_6_5_MIB[0]![1]);
    check.update(archive.subarray(0, MIB));
    check.finish();
    expect(caught(() => check.update(new Uint8Array(1))).code).toBe('ERR_HASH_FINALIZED');
    expect(caught(() => check.finish()).code).toBe('ERR_HASH_FINALIZED');
  });
});

describe('verifyJobOutput: verify when the header is there, unverifiable when not', () => {
  const range = parseRange('1048576-2097151');
  const body = slice(archive, range);
  const hex = ALIGNED_6_5_MIB[1]![1];

  it('verifies a body that came with a checksum', async () => {
    await expect(verifyJobOutput(body, { checksum: hex.toUpperCase(), range })).resolves.toEqual({ verified: true, treeHash: referenceTreeHash(body) });
    await expect(verifyJobOutput([body.subarray(0, 5), body.subarray(5)], { checksum: hex })).resolves.toMatchObject({ verified: true });
    expect(await codeOf(() => verifyJobOutput(body, { checksum: ALIGNED_6_5_MIB[0]![1], range }))).toBe('ERR_TREE_HASH_MISMATCH');
    expect(await codeOf(() => verifyJobOutput(body, { checksum: 'zz', range }))).toBe('ERR_INVALID_HEX');
  });

  it('reports a body without a checksum as unverifiable, with its tree hash, and still checks its length', async () => {
    for (const checksum of [undefined, null]) {
      await expect(verifyJobOutput(body, { checksum, range })).resolves.toEqual({ verified: false, treeHash: referenceTreeHash(body) });
      await expect(verifyJobOutput(Readable.from([Buffer.from(body)]), { checksum })).resolves.toEqual({ verified: false, treeHash: referenceTreeHash(body) });
    }
    expect(await codeOf(() => verifyJobOutput(body.subarray(1), { checksum: undefined, range }))).toBe('ERR_SIZE_MISMATCH');
    expect(await codeOf(() => verifyJobOutput(body.subarray(1), { checksum: hex, range }))).toBe('ERR_SIZE_MISMATCH');
  });
});

describe('stream verifiers pass bytes through and fail at the end', () => {
  const range = parseRange('4194304-6815743');
  const body = slice(archive, range);
  const good = ALIGNED_6_5_MIB.find(([text]) => text === '4194304-6815743')![1];
  const pieces = [body.subarray(0, 1000), body.subarray(1000, MIB + 7), body.subarray(MIB + 7)];

  async function collect(source: ReadableStream<Uint8Array>): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    const reader = source.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
    return Buffer.concat(parts);
  }

  it('Node Transform', async () => {
    const verifier = createNodeVerifier(good, { range });
    const out: Buffer[] = [];
    await pipeline(Readable.from(pieces.map((p) => Buffer.from(p))), verifier, async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) out.push(chunk);
    });
    expect(Buffer.concat(out).equals(Buffer.from(body))).toBe(true);
    expect(verifier.treeHash).toEqual(referenceTreeHash(body));

    const bad = createNodeVerifier(ALIGNED_6_5_MIB[0]![1]);
    const passed: Buffer[] = [];
    const error = await pipeline(Readable.from(pieces.map((p) => Buffer.from(p))), bad, async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) passed.push(chunk);
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TreeHashMismatchError);
    expect((error as TreeHashMismatchError).actual).toBe(good);
    expect(Buffer.concat(passed).length).toBe(body.length); // every byte went through before the verdict
  });

  it('Web TransformStream', async () => {
    const source = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const p of pieces) controller.enqueue(p);
          controller.close();
        },
      });
    const out = await collect(source().pipeThrough(createWebVerifier(good.toUpperCase())));
    expect(Buffer.from(out).equals(Buffer.from(body))).toBe(true);

    const received: Uint8Array[] = [];
    const error = await source()
      .pipeThrough(createWebVerifier(ALIGNED_6_5_MIB[0]![1]))
      .pipeTo(new WritableStream({ write: (chunk) => void received.push(chunk) }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(TreeHashMismatchError);
    expect(received.reduce((n, p) => n + p.length, 0)).toBe(body.length);
    expect(caught(() => createWebVerifier('nope')).code).toBe('ERR_INVALID_HEX');
  });
});

describe('combineChunkTreeHashes / verifyDownload', () => {
  const ROOT = ALIGNED_6_5_MIB[12]![1];

  it('planned pieces of every chunk size combine into the archive root', () => {
    for (const chunkSize of [MIB, 2 * MIB, 3 * MIB, 4 * MIB, 8 * MIB]) {
      const plan = planDownload({ archiveSize: SIZE_6_5_MIB, chunkSize });
      const chunks = plan.chunks.map((c) => ({ range: c.range, treeHash: referenceTreeHashHex(slice(archive, c.range)) }));
      expect(verifyDownload({ size: SIZE_6_5_MIB, chunks, expected: ROOT })).toEqual(referenceTreeHash(archive));
      // Order does not matter.
      expect(verifyDownload({ size: SIZE_6_5_MIB, chunks: [...chunks].reverse(), expected: ROOT.toUpperCase() })).toEqual(referenceTreeHash(archive));
    }
  });

  it("a ranged retrieval: pieces relative to the job output combine into DescribeJob's SHA256TreeHash", () => {
    const retrievalRange = parseRange('4194304-6815743');
    const expected = ALIGNED_6_5_MIB[11]![1];
    const plan = planDownload({ archiveSize: SIZE_6_5_MIB, retrievalRange, chunkSize: MIB });
    expect(plan.chunks).toHaveLength(3);
    const chunks = plan.chunks.map((c) => ({ range: c.range, treeHash: referenceTreeHash(slice(archive, c.archiveRange)) }));
    verifyDownload({ size: plan.jobOutputSize, chunks, expected, retrievalRange });
    const error = caught(() => verifyDownload({ size: plan.jobOutputSize, chunks, expected: ROOT, retrievalRange })) as TreeHashMismatchError;
    expect(error.code).toBe('ERR_TREE_HASH_MISMATCH');
    expect(error.range).toEqual(retrievalRange);
    expect(error.actual).toBe(expected);
  });

  it('any tiling by tree nodes, of any sizes, combines into the root (random tilings, partial last leaf)', () => {
    const big = mod251(40 * MIB);
    const fullLeafDigests = referenceLeafDigests(big);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: MIB }), fc.infiniteStream(fc.boolean()), (leaves, tail, coin) => {
        const size = (leaves - 1) * MIB + tail;
        // The oracle's leaf digests of big[0, size): all full leaves, then the (partial) last one.
        const digests = [...fullLeafDigests.slice(0, leaves - 1), ...referenceLeafDigests(big.subarray((leaves - 1) * MIB, size))];
        // Tile top-down: at each node either keep it or split it the way the tree does.
        const chunks: { range: ByteRange; treeHash: Uint8Array }[] = [];
        const visit = (first: number, end: number) => {
          if (end - first === 1 || coin.next().value) {
            const range = { start: first * MIB, end: Math.min(end * MIB, size) - 1 };
            chunks.push({ range, treeHash: referenceRoot(digests.slice(first, end)) });
            return;
          }
          let k = 1;
          while (k * 2 < end - first) k *= 2;
          visit(first, first + k);
          visit(first + k, end);
        };
        visit(0, leaves);
        expect(combineChunkTreeHashes({ size, chunks })).toEqual(referenceRoot(digests));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses gaps, overlaps, unaligned pieces and bad hashes', () => {
    const h = ALIGNED_6_5_MIB[0]![1];
    const size = 4 * MIB;
    const piece = (text: string) => ({ range: parseRange(text), treeHash: h });
    const code = (chunks: { range: ByteRange; treeHash: string }[]) => caught(() => combineChunkTreeHashes({ size, chunks })).code;
    expect(code([piece('0-2097151')])).toBe('ERR_INVALID_RANGE'); // gap at the end
    expect(code([piece('0-1048575'), piece('2097152-4194303')])).toBe('ERR_INVALID_RANGE'); // gap
    expect(code([piece('0-2097151'), piece('1048576-4194303')])).toBe('ERR_INVALID_RANGE'); // overlap
    expect(code([piece('0-1048575'), piece('1048576-3145727'), piece('3145728-4194303')])).toBe('ERR_RANGE_NOT_ALIGNED');
    expect(code([])).toBe('ERR_INVALID_INPUT');
    expect(caught(() => combineChunkTreeHashes({ size, chunks: [{ range: parseRange('0-4194303'), treeHash: 'xyz' }] })).code).toBe('ERR_INVALID_HEX');
    expect(caught(() => verifyDownload({ size, chunks: [piece('0-4194303')], expected: h, retrievalRange: parseRange('0-1048575') })).code).toBe(
      'ERR_SIZE_MISMATCH',
    );
  });
});
