// Over 10,000 fast-check cases: the multipart and download planners, the range predicates against
// a brute-force tree, and random cut points for every hashing API (one-shot, incremental, copy,
// save/restore, Node and Web streams, Blobs, files, part hashers, manifests, verifiers) on every
// engine, each result against the independent reference (test/reference.ts, @noble/hashes).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ENGINES, computeChecksums, createChecksums, createTreeHasher, restoreTreeHasher, sha256, toHex, treeHash } from '../../src/index.js';
import {
  MAX_ARCHIVE_SIZE,
  MAX_PARTS,
  VALID_PART_SIZES,
  choosePartSize,
  createPartHasher,
  hashParts,
  parseContentRange,
  partCount,
  planParts,
  restorePartHasher,
  validatePart,
} from '../../src/upload/index.js';
import {
  alignRange,
  createLeafManifestBuilder,
  createTreeHashCheck,
  decodeLeafManifest,
  describeDownloadPlan,
  downloadChunks,
  explainRetrievalRange,
  explainTreeHashAlignment,
  isTreeHashAligned,
  isValidRetrievalRange,
  planDownload,
  verifyTreeHash,
} from '../../src/retrieval/index.js';
import { createVerifier as createNodeVerifier, hashFile, hashStream } from '../../src/node/index.js';
import { createVerifier as createWebVerifier, hashBlob, hashBlobParts, hashWebStream, hashWebStreamParts } from '../../src/web/index.js';
import { randomBytes } from '../helpers.js';
import { MIB, referenceLeafDigests, referenceRoot, referenceSha256Hex } from '../reference.js';
import { bruteNodeSpans } from '../retrieval-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'treehash-slow-properties-'));
let cases = 0;
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  expect(cases).toBeGreaterThanOrEqual(10_000);
});

/** fc.assert that counts its runs toward the suite's 10,000. */
function check<T>(arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void | Promise<void>, numRuns: number, async = false) {
  cases += numRuns;
  return async
    ? fc.assert(
        fc.asyncProperty(arbitrary, async (value) => predicate(value)),
        { numRuns },
      )
    : fc.assert(
        fc.property(arbitrary, (value) => predicate(value) as void),
        { numRuns },
      );
}

const spansBySize = new Map<number, Set<string>>();
function nodeSpans(size: number): Set<string> {
  let spans = spansBySize.get(size);
  if (spans === undefined) spansBySize.set(size, (spans = bruteNodeSpans(size)));
  return spans;
}
const key = (range: { start: number; end: number }) => `${range.start}-${range.end}`;
/** A payload of 1 to `maxLeaves` leaves, the last one whole or partial. */
const payloadSize = (maxLeaves: number) =>
  fc
    .tuple(fc.integer({ min: 1, max: maxLeaves }), fc.oneof(fc.constant(0), fc.integer({ min: 1, max: MIB - 1 })))
    .map(([leaves, tail]) => (tail === 0 ? leaves * MIB : (leaves - 1) * MIB + tail));

describe('planners', () => {
  it('planParts: parts tile the archive, Content-Ranges parse back and validate, the default part size is the smallest', () => {
    const archiveSize = fc.oneof(
      fc.integer({ min: 1, max: 64 * MIB }),
      fc.integer({ min: 1, max: MAX_ARCHIVE_SIZE }),
      fc.constantFrom(1, MIB, MAX_ARCHIVE_SIZE, 10_000 * MIB, 10_000 * MIB + 1),
    );
    check(
      fc.tuple(archiveSize, fc.option(fc.constantFrom(...VALID_PART_SIZES), { nil: undefined })),
      ([size, requested]) => {
        const partSize = requested ?? choosePartSize(size);
        if (BigInt(size) > BigInt(partSize) * BigInt(MAX_PARTS)) {
          expect(() => planParts(size, partSize)).toThrow(expect.objectContaining({ code: 'ERR_TOO_MANY_PARTS' }));
          return;
        }
        const plan = planParts(size, requested);
        expect(plan.partSize).toBe(partSize);
        expect(plan.parts.length).toBe(Number((BigInt(size) + BigInt(partSize) - 1n) / BigInt(partSize)));
        expect(plan.parts.length).toBe(partCount(size, partSize));
        if (requested === undefined && partSize > MIB) expect(BigInt(size) > BigInt(partSize / 2) * BigInt(MAX_PARTS)).toBe(true);
        let next = 0;
        for (const part of plan.parts) {
          if (part.start !== next || part.end - part.start + 1 !== part.size || part.size > partSize) throw new Error(`bad part ${JSON.stringify(part)}`);
          if (part.end !== size - 1 && part.size !== partSize) throw new Error(`short part before the end: ${JSON.stringify(part)}`);
          next = part.end + 1;
        }
        expect(next).toBe(size);
        for (const part of [plan.parts[0]!, plan.parts[plan.parts.length - 1]!]) {
          expect(parseContentRange(part.contentRange)).toMatchObject({ start: part.start, end: part.end });
          validatePart(part.contentRange, { partSize, archiveSize: size });
        }
      },
      2500,
    );
  });

  it("download plans: contiguous pieces, each a node of the job output's tree and no larger than the chunk size", () => {
    const plan = payloadSize(300).chain((archiveSize) => {
      const spans = [...nodeSpans(archiveSize)].map((text) => text.split('-').map(Number) as [number, number]);
      const range = fc.oneof(
        fc.constant(undefined),
        fc.constantFrom(...spans).map(([start, end]) => ({ start, end })), // tree-hash aligned
        fc.tuple(fc.nat(Math.ceil(archiveSize / MIB) - 1), fc.nat(Math.ceil(archiveSize / MIB) - 1)).map(([a, b]) => ({
          start: Math.min(a, b) * MIB,
          end: Math.min((Math.max(a, b) + 1) * MIB, archiveSize) - 1,
        })), // megabyte aligned
      );
      return fc.record({ archiveSize: fc.constant(archiveSize), retrievalRange: range, chunkSize: fc.integer({ min: MIB, max: 80 * MIB }) });
    });
    check(
      plan,
      ({ archiveSize, retrievalRange, chunkSize }) => {
        const options = { archiveSize, retrievalRange, chunkSize };
        const summary = describeDownloadPlan(options);
        const offset = retrievalRange?.start ?? 0;
        const outputSize = retrievalRange === undefined ? archiveSize : retrievalRange.end - retrievalRange.start + 1;
        expect(summary.jobOutputSize).toBe(outputSize);
        expect(summary.checksums).toBe(nodeSpans(archiveSize).has(key(retrievalRange ?? { start: 0, end: archiveSize - 1 })));
        const outputSpans = nodeSpans(outputSize);
        const chunks = [...downloadChunks(options)];
        expect(chunks.length).toBe(summary.chunkCount);
        let next = 0;
        for (const { range, archiveRange } of chunks) {
          const ok =
            range.start === next &&
            outputSpans.has(key(range)) &&
            range.end - range.start + 1 <= summary.blockSize &&
            summary.blockSize <= chunkSize &&
            archiveRange.start === range.start + offset &&
            archiveRange.end === range.end + offset;
          if (!ok) throw new Error(`bad piece ${JSON.stringify({ range, archiveRange })}`);
          next = range.end + 1;
        }
        expect(next).toBe(outputSize);
        expect(planDownload(options).chunks).toEqual(chunks);
      },
      2500,
    );
  });
});

describe('range predicates against a brute-force tree', () => {
  it('tree-hash aligned, valid retrieval range, their reasons, and the smallest covers', () => {
    const arbitrary = payloadSize(200).chain((size) =>
      fc.record({
        size: fc.constant(size),
        start: fc.oneof(
          fc.integer({ min: 0, max: size - 1 }),
          fc.nat(Math.ceil(size / MIB) - 1).map((leaf) => leaf * MIB),
        ),
        length: fc.oneof(
          fc.integer({ min: 1, max: size }),
          fc.nat(Math.ceil(size / MIB)).map((leaves) => Math.max(1, leaves * MIB)),
        ),
      }),
    );
    check(
      arbitrary,
      ({ size, start, length }) => {
        const range = { start, end: Math.min(start + length - 1, size - 1) };
        const spans = nodeSpans(size);
        const aligned = spans.has(key(range));
        expect(isTreeHashAligned(range, size)).toBe(aligned);
        expect(explainTreeHashAlignment(range, size) === null).toBe(aligned);
        const valid = range.start % MIB === 0 && ((range.end + 1) % MIB === 0 || range.end === size - 1);
        expect(isValidRetrievalRange(range, size)).toBe(valid);
        expect(explainRetrievalRange(range, size) === null).toBe(valid);
        const covers = alignRange(range, size);
        // The smallest node containing the range, found by brute force.
        let smallest: [number, number] | undefined;
        for (const span of spans) {
          const [s, e] = span.split('-').map(Number) as [number, number];
          if (s <= range.start && e >= range.end && (smallest === undefined || e - s < smallest[1] - smallest[0])) smallest = [s, e];
        }
        expect(covers.treeHashAligned).toEqual({ start: smallest![0], end: smallest![1] });
        expect(covers.megabyteAligned).toEqual({ start: Math.floor(range.start / MIB) * MIB, end: Math.min(Math.ceil((range.end + 1) / MIB) * MIB, size) - 1 });
        // Out of bounds is never valid nor aligned.
        expect(isValidRetrievalRange({ start: range.start, end: size }, size)).toBe(false);
        expect(isTreeHashAligned({ start: range.start, end: size }, size)).toBe(false);
      },
      4000,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Cut points: the same bytes in random pieces through every hashing API, on a random engine.

const POOL = randomBytes(3 * MIB + 4096, 99);
/** A window of the pool (its size near the edges that matter), cut at random points, and an engine. */
const cutCase = fc
  .record({
    size: fc.oneof(
      fc.integer({ min: 0, max: 300 }),
      fc.integer({ min: MIB - 70, max: MIB + 70 }),
      fc.integer({ min: 2 * MIB - 70, max: 2 * MIB + 70 }),
      fc.integer({ min: 0, max: 3 * MIB }),
    ),
    offset: fc.integer({ min: 0, max: 4096 }),
    cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
    engine: fc.constantFrom(...ENGINES),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ size, offset, cuts, engine, at }) => {
    const data = POOL.subarray(offset, offset + size);
    const points = [...new Set(cuts.map((c) => Math.floor(c * size)))].sort((a, b) => a - b);
    const pieces: Uint8Array[] = [];
    let previous = 0;
    for (const point of [...points, size]) {
      pieces.push(data.subarray(previous, point));
      previous = point;
    }
    return { data, pieces, engine, at: Math.floor(at * size) };
  });
type CutCase = { data: Uint8Array; pieces: Uint8Array[]; engine: (typeof ENGINES)[number]; at: number };

/** The reference's leaves and hashes of a window of the pool, each computed once. */
const references = new Map<string, { leaves: Uint8Array[]; tree: string; sha256: string }>();
function referenceOf(data: Uint8Array) {
  const id = `${data.byteOffset}+${data.length}`;
  let found = references.get(id);
  if (found === undefined) {
    const leaves = referenceLeafDigests(data);
    found = { leaves, tree: toHex(referenceRoot(leaves)), sha256: referenceSha256Hex(data) };
    if (references.size > 64) references.clear();
    references.set(id, found);
  }
  return found;
}
const reference = (data: Uint8Array) => {
  const { tree, sha256 } = referenceOf(data);
  return { tree, sha256 };
};
const hexOf = (result: { treeHash: Uint8Array; sha256?: Uint8Array | undefined }) => ({
  tree: toHex(result.treeHash),
  sha256: result.sha256 && toHex(result.sha256),
});
/** Copies, so that an API that keeps a piece (or a stream that transfers it) cannot change the pool. */
const copies = (pieces: Uint8Array[]) => pieces.map((piece) => piece.slice());
async function* asyncPieces(pieces: Uint8Array[]) {
  for (const piece of copies(pieces)) yield piece;
}
const webStream = (pieces: Uint8Array[]) => {
  const queue = copies(pieces);
  return new ReadableStream<Uint8Array>({ pull: (controller) => (queue.length > 0 ? controller.enqueue(queue.shift()!) : controller.close()) });
};
/** The part hashes a part size (2^k MiB) gives: the reference's tree over each part's leaves. */
function referenceParts(data: Uint8Array, partSize: number): string[] {
  const { leaves } = referenceOf(data);
  const perPart = partSize / MIB;
  const out: string[] = [];
  for (let first = 0; first < leaves.length; first += perPart) out.push(toHex(referenceRoot(leaves.slice(first, first + perPart))));
  return out;
}
const PART_SIZES = [MIB, 2 * MIB];
/** The pieces cut at `at`: those before it, and those from it on. */
function* piecesUpTo(pieces: Uint8Array[], at: number) {
  let start = 0;
  for (const piece of pieces) {
    if (start < at) yield piece.subarray(0, Math.min(piece.length, at - start));
    start += piece.length;
  }
}
function* piecesFrom(pieces: Uint8Array[], at: number) {
  let start = 0;
  for (const piece of pieces) {
    if (start + piece.length > at) yield piece.subarray(Math.max(0, at - start));
    start += piece.length;
  }
}

describe('cut points, every hashing API, every engine', () => {
  it('one-shot treeHash, computeChecksums, sha256', () => {
    check(
      cutCase,
      ({ data, engine }: CutCase) => {
        const expected = reference(data);
        expect(toHex(treeHash(data, { engine }))).toBe(expected.tree);
        expect(hexOf(computeChecksums(data, { engine }))).toEqual(expected);
        expect(toHex(sha256(data, { engine }))).toBe(expected.sha256);
      },
      200,
    );
  });

  it('createTreeHasher in pieces, with copy() at a cut', () => {
    check(
      cutCase,
      ({ data, pieces, engine, at }: CutCase) => {
        const hasher = createTreeHasher({ engine });
        let fed = 0;
        let fork: ReturnType<typeof createTreeHasher> | undefined;
        for (const piece of pieces) {
          if (fork === undefined && fed + piece.length >= at) {
            hasher.update(piece.subarray(0, at - fed));
            fork = hasher.copy();
            hasher.update(piece.subarray(at - fed));
          } else hasher.update(piece);
          fed += piece.length;
        }
        fork ??= hasher.copy();
        fork.update(data.subarray(fork.size));
        expect(hasher.digest('hex')).toBe(reference(data).tree);
        expect(fork.digest('hex')).toBe(reference(data).tree);
      },
      200,
    );
  });

  it('createChecksums in pieces, saved and restored at a cut', () => {
    check(
      cutCase,
      ({ data, pieces, engine, at }: CutCase) => {
        const saving = engine === 'native' ? 'auto' : engine; // native cannot save a linear SHA-256 midway
        const first = createChecksums({ engine: saving });
        for (const piece of piecesUpTo(pieces, at)) first.update(piece);
        const restored = restoreTreeHasher(first.save(), { engine });
        expect(restored.size).toBe(at);
        for (const piece of piecesFrom(pieces, at)) restored.update(piece);
        expect(hexOf(restored.digestChecksums())).toEqual(reference(data));
        expect(hexOf(first.update(data.subarray(at)).digestChecksums())).toEqual(reference(data));
      },
      200,
    );
  });

  it('hashStream (Node), hashWebStream, hashBlob', async () => {
    await check(
      cutCase,
      async ({ data, pieces, engine }: CutCase) => {
        const expected = reference(data);
        expect(hexOf(await hashStream(asyncPieces(pieces), { engine }))).toEqual(expected);
        expect(hexOf(await hashStream(Readable.from(copies(pieces)), { engine }))).toEqual(expected);
        expect(hexOf(await hashWebStream(webStream(pieces), { engine }))).toEqual(expected);
        expect(hexOf(await hashBlob(new Blob(copies(pieces)), { engine }))).toEqual(expected);
      },
      200,
      true,
    );
  });

  it('hashFile with a random byte range', async () => {
    const path = join(dir, 'pool.bin');
    writeFileSync(path, POOL);
    await check(
      fc.record({ start: fc.nat(POOL.length - 1), length: fc.integer({ min: 1, max: 3 * MIB }), engine: fc.constantFrom(...ENGINES) }),
      async ({ start, length, engine }) => {
        const end = Math.min(start + length, POOL.length) - 1;
        expect(hexOf(await hashFile(path, { start, end, engine }))).toEqual(reference(POOL.subarray(start, end + 1)));
      },
      200,
      true,
    );
  });

  it('createPartHasher in pieces, saved and restored at a cut', () => {
    check(
      fc.tuple(cutCase, fc.constantFrom(...PART_SIZES)),
      ([{ data, pieces, engine, at }, partSize]: [CutCase, number]) => {
        if (data.length === 0) return;
        const saving = engine === 'native' ? 'auto' : engine;
        const first = createPartHasher({ partSize, engine: saving });
        const parts: string[] = [];
        for (const piece of piecesUpTo(pieces, at)) parts.push(...first.update(piece).map((part) => toHex(part.treeHash)));
        const second = restorePartHasher(first.save(), { engine: saving });
        expect(second.size).toBe(at);
        for (const piece of piecesFrom(pieces, at)) parts.push(...second.update(piece).map((part) => toHex(part.treeHash)));
        const { lastPart, result } = second.finish();
        if (lastPart) parts.push(toHex(lastPart.treeHash));
        expect(parts).toEqual(referenceParts(data, partSize));
        expect(toHex(result.treeHash)).toBe(reference(data).tree);
        expect(toHex(result.sha256!)).toBe(reference(data).sha256);
      },
      200,
    );
  });

  it('hashParts, hashWebStreamParts, hashBlobParts', async () => {
    await check(
      fc.tuple(cutCase, fc.constantFrom(...PART_SIZES)),
      async ([{ data, pieces, engine }, partSize]: [CutCase, number]) => {
        if (data.length === 0) return;
        for (const hashing of [
          hashParts(asyncPieces(pieces), { partSize, engine }),
          hashWebStreamParts(webStream(pieces), { partSize, engine }),
          hashBlobParts(new Blob(copies(pieces)), { partSize, engine }),
        ]) {
          const parts: string[] = [];
          for await (const part of hashing) parts.push(toHex(part.treeHash));
          const result = await hashing.done();
          expect(parts).toEqual(referenceParts(data, partSize));
          expect(toHex(result.treeHash)).toBe(reference(data).tree);
          expect(toHex(result.sha256!)).toBe(reference(data).sha256);
        }
      },
      200,
      true,
    );
  });

  it('leaf manifests built in pieces: every leaf digest, encoded and decoded', () => {
    check(
      cutCase,
      ({ data, pieces }: CutCase) => {
        const builder = createLeafManifestBuilder();
        for (const piece of pieces) builder.update(piece);
        const manifest = decodeLeafManifest(builder.digest().encode());
        const { leaves } = referenceOf(data);
        expect(manifest.size).toBe(data.length);
        expect(Array.from({ length: manifest.leafCount }, (_, i) => toHex(manifest.leafDigest(i)))).toEqual(leaves.map(toHex));
        expect(toHex(manifest.treeHash)).toBe(toHex(referenceRoot(leaves)));
      },
      200,
    );
  });

  it('verifiers: verifyTreeHash, createTreeHashCheck, the Node and Web verifier streams; a wrong hash fails', async () => {
    await check(
      cutCase,
      async ({ data, pieces }: CutCase) => {
        const expected = reference(data).tree;
        const wrong = `${expected[0] === '0' ? '1' : '0'}${expected.slice(1)}`;
        expect(toHex(await verifyTreeHash(asyncPieces(pieces), expected))).toBe(expected);
        await expect(verifyTreeHash(asyncPieces(pieces), wrong)).rejects.toMatchObject({ code: 'ERR_TREE_HASH_MISMATCH' });
        const checkHash = createTreeHashCheck(expected);
        for (const piece of pieces) checkHash.update(piece);
        expect(toHex(checkHash.finish())).toBe(expected);
        const passed: Uint8Array[] = [];
        await pipeline(Readable.from(copies(pieces)), createNodeVerifier(expected), async function* (source) {
          for await (const chunk of source) passed.push(chunk as Uint8Array);
        });
        expect(Buffer.concat(passed).equals(data)).toBe(true);
        const reader = webStream(pieces).pipeThrough(createWebVerifier(wrong)).getReader();
        await expect(
          (async () => {
            while (!(await reader.read()).done);
          })(),
        ).rejects.toMatchObject({ code: 'ERR_TREE_HASH_MISMATCH' });
      },
      200,
      true,
    );
  });
});
