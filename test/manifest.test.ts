import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesToHex } from '@noble/hashes/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { TreeHashError } from '../src/core/errors.js';
import { type LeafManifest, decodeLeafManifest, leafManifestFromDigests } from '../src/retrieval/manifest.js';
import { compareWithManifest } from '../src/retrieval/manifest-compare.js';
import { createLeafManifest, createLeafManifestBuilder } from '../src/retrieval/manifest-builder.js';
import { manifestOfFile, readLeafManifest, writeLeafManifest } from '../src/node/manifest.js';
import { type ByteRange, parseRange } from '../src/core/byte-range.js';
import { MIB, mod251, referenceLeafDigests, referenceRoot, referenceTreeHash, referenceTreeHashHex } from './reference.js';
import { caught } from './helpers.js';
import { ALIGNED_6_5_MIB, SIZE_6_5_MIB, UNALIGNED_6_5_MIB } from './retrieval-fixtures.js';

const archive = mod251(SIZE_6_5_MIB);
const manifest = createLeafManifest(archive);
const dir = mkdtempSync(join(tmpdir(), 'treehash-manifest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

const digestsOf = (m: LeafManifest) => Array.from({ length: m.leafCount }, (_, i) => m.leafDigest(i));

describe('LeafManifest', () => {
  it('holds the size, every leaf digest (as the oracle computes them) and the tree hash', () => {
    expect(manifest.size).toBe(SIZE_6_5_MIB);
    expect(manifest.leafSize).toBe(MIB);
    expect(manifest.leafCount).toBe(7);
    expect(bytesToHex(manifest.treeHash)).toBe(ALIGNED_6_5_MIB[12]![1]);
    const leaves = referenceLeafDigests(archive);
    for (let i = 0; i < 7; i++) expect(manifest.leafDigest(i)).toEqual(leaves[i]);
    expect(manifest.leafRange(6)).toEqual({ start: 6 * MIB, end: SIZE_6_5_MIB - 1 });
    expect(caught(() => manifest.leafDigest(7)).code).toBe('ERR_INVALID_RANGE');
    expect(caught(() => manifest.leafRange(-1)).code).toBe('ERR_INVALID_RANGE');
  });

  it('gives the tree hash of each of the 13 aligned ranges without the data', () => {
    for (const [text, hex] of ALIGNED_6_5_MIB) expect(bytesToHex(manifest.rangeTreeHash(parseRange(text)))).toBe(hex);
  });

  it('gives the tree hash of any megabyte-aligned range (what DescribeJob would say of its bytes)', () => {
    for (const text of UNALIGNED_6_5_MIB) {
      const r = parseRange(text);
      expect(bytesToHex(manifest.rangeTreeHash(r))).toBe(referenceTreeHashHex(archive.subarray(r.start, r.end + 1)));
    }
    expect(caught(() => manifest.rangeTreeHash({ start: 1, end: MIB })).code).toBe('ERR_RANGE_NOT_ALIGNED');
    expect(caught(() => manifest.rangeTreeHash({ start: 0, end: 100 })).code).toBe('ERR_RANGE_NOT_ALIGNED');
    expect(caught(() => manifest.rangeTreeHash({ start: 0, end: SIZE_6_5_MIB })).code).toBe('ERR_INVALID_RANGE');
    expect(caught(() => manifest.rangeTreeHash({ start: 0 } as ByteRange)).code).toBe('ERR_INVALID_RANGE');
  });

  it('builds the same manifest from pieces of any size, from leaf digests, and for boundary sizes', () => {
    for (const size of [0, 1, MIB - 1, MIB, MIB + 1, 2 * MIB, 3_250_000]) {
      const data = archive.subarray(0, size);
      const oneShot = createLeafManifest(data);
      expect(oneShot.treeHash).toEqual(referenceTreeHash(data));
      expect(oneShot.leafCount).toBe(Math.max(1, Math.ceil(size / MIB)));
      const builder = createLeafManifestBuilder();
      for (let offset = 0; offset < size; offset += 300_001) builder.update(data.subarray(offset, Math.min(offset + 300_001, size)));
      expect(builder.digest().encode()).toEqual(oneShot.encode());
      const fromDigests = leafManifestFromDigests(size, referenceLeafDigests(data));
      expect(fromDigests.encode()).toEqual(oneShot.encode());
    }
    expect(caught(() => leafManifestFromDigests(2 * MIB, referenceLeafDigests(archive))).code).toBe('ERR_INVALID_MANIFEST');
    expect(caught(() => leafManifestFromDigests(-1, [])).code).toBe('ERR_INVALID_SIZE');
    expect(caught(() => leafManifestFromDigests(1, [new Uint8Array(31)])).code).toBe('ERR_INVALID_DIGEST');
  });

  it('a builder is single use: after digest() or fromHashed() every call throws ERR_HASH_FINALIZED', () => {
    const data = archive.subarray(0, 3 * MIB + 3);
    const builder = createLeafManifestBuilder();
    const first = builder.update(data).digest();
    expect(first.treeHash).toEqual(referenceTreeHash(data));
    expect(digestsOf(first)).toEqual(referenceLeafDigests(data));
    expect(caught(() => builder.update(new Uint8Array(3))).code).toBe('ERR_HASH_FINALIZED');
    expect(caught(() => builder.digest()).code).toBe('ERR_HASH_FINALIZED');
    expect(caught(() => builder.fromHashed(data.length, first.treeHash)).code).toBe('ERR_HASH_FINALIZED');
    expect(caught(() => builder.onLeaf(new Uint8Array(32), 4)).code).toBe('ERR_HASH_FINALIZED');

    // Leaves reported by a hasher elsewhere (exactly 64 leaves fills the builder's first buffer).
    for (const size of [5 * MIB + 1, 64 * MIB]) {
      const whole = size <= archive.length ? archive.subarray(0, size) : mod251(size);
      const hashed = createLeafManifestBuilder();
      referenceLeafDigests(whole).forEach((digest, i) => hashed.onLeaf(digest, i));
      const manifest = hashed.fromHashed(size, referenceTreeHash(whole));
      expect(digestsOf(manifest)).toEqual(referenceLeafDigests(whole));
      expect(manifest.treeHash).toEqual(referenceTreeHash(whole));
      expect(caught(() => hashed.fromHashed(size, referenceTreeHash(whole))).code).toBe('ERR_HASH_FINALIZED');
    }
  });
});

describe('manifests of many leaves (digests are combined in blocks of 2^16 leaves)', () => {
  it('agree with the oracle across block boundaries', () => {
    const leaves = 150_001; // three blocks, the last of one leaf
    const digests: Uint8Array[] = [];
    let seed = 1;
    for (let i = 0; i < leaves; i++) {
      const d = new Uint8Array(32);
      for (let j = 0; j < 32; j++) d[j] = (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 255;
      digests.push(d);
    }
    const size = (leaves - 1) * MIB + 7;
    const big = leafManifestFromDigests(size, digests);
    expect(big.treeHash).toEqual(referenceRoot(digests));
    for (const [first, end] of [
      [65_530, 65_540],
      [0, 131_072],
      [1, 150_001],
      [131_072, 150_001],
      [65_536, 131_073],
    ] as const) {
      const range = { start: first * MIB, end: Math.min(end * MIB, size) - 1 };
      expect(big.rangeTreeHash(range), `${first}-${end}`).toEqual(referenceRoot(digests.slice(first, end)));
    }
    expect(decodeLeafManifest(big.encode()).treeHash).toEqual(big.treeHash);
  });
});

describe('manifest file format', () => {
  const encoded = manifest.encode();
  const fields = `glacier-treehash-manifest 1 size=6815744 leaf-size=1048576 leaves=7 tree-hash=${ALIGNED_6_5_MIB[12]![1]}`;
  // check = SHA-256 of the fields, a newline and the digests (computed here with noble).
  const check = bytesToHex(sha256(new Uint8Array([...new TextEncoder().encode(`${fields}\n`), ...concat(referenceLeafDigests(archive))])));
  const header = `${fields} check=${check}\n`;

  it('is one text line and then the digests', () => {
    expect(new TextDecoder().decode(encoded.subarray(0, header.length))).toBe(header);
    expect(encoded.length).toBe(header.length + 7 * 32);
    const leaves = referenceLeafDigests(archive);
    for (let i = 0; i < 7; i++) expect(encoded.subarray(header.length + 32 * i, header.length + 32 * (i + 1))).toEqual(leaves[i]);
    const decoded = decodeLeafManifest(encoded);
    expect(decoded.encode()).toEqual(encoded);
    expect(decoded.size).toBe(SIZE_6_5_MIB);
  });

  it('refuses damaged or foreign files with ERR_INVALID_MANIFEST', () => {
    const text = new TextEncoder();
    const body = encoded.subarray(header.length);
    const withHeader = (h: string, b: Uint8Array = body) => {
      const head = text.encode(h);
      const out = new Uint8Array(head.length + b.length);
      out.set(head);
      out.set(b, head.length);
      return out;
    };
    const flipped = encoded.slice();
    flipped[header.length + 40]! ^= 1; // a digest damaged in storage
    const cases: Uint8Array[] = [
      flipped,
      encoded.subarray(0, encoded.length - 1),
      withHeader(header, new Uint8Array([...body, 0])),
      withHeader(header.replace('manifest 1', 'manifest 2')),
      withHeader(header.replace('leaves=7', 'leaves=8')),
      withHeader(header.replace('size=6815744', 'size=6815745')),
      withHeader(header.replace('size=6815744', 'size=06815744')),
      withHeader(header.replace('leaf-size=1048576', 'leaf-size=2097152')),
      withHeader(header.replace(ALIGNED_6_5_MIB[12]![1], ALIGNED_6_5_MIB[12]![1].toUpperCase())),
      withHeader(header.replace(ALIGNED_6_5_MIB[12]![1], ALIGNED_6_5_MIB[11]![1])),
      withHeader(header.replace(' leaf-size=1048576', '')),
      withHeader(header.replace(/ check=\w+/, '')),
      withHeader(header.replace(/ check=\w+/, ` check=${'0'.repeat(64)}`)),
      withHeader(header.replace('glacier-treehash-manifest', 'something-else')),
      text.encode('x'.repeat(1000)),
      new Uint8Array(0),
    ];
    cases.forEach((bytes, i) => expect(caught(() => decodeLeafManifest(bytes)).code, `case ${i}`).toBe('ERR_INVALID_MANIFEST'));
  });
});

describe('comparing a damaged copy with the manifest', () => {
  const size = 5 * MIB + 123_457; // 6 leaves, the last partial
  const original = mod251(size).map((b, i) => (b * 7 + (i >> 20)) & 255); // distinct leaves
  const reference = createLeafManifest(original);

  it('reports a byte flipped at a random position in exactly its leaf, with that leaf to fetch again', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: size - 1 }), fc.integer({ min: 1, max: 255 }), (position, mask) => {
        const copy = original.slice();
        copy[position]! ^= mask;
        const result = compareWithManifest(reference, createLeafManifest(copy));
        const leaf = Math.floor(position / MIB);
        const leafRange = { start: leaf * MIB, end: Math.min((leaf + 1) * MIB, size) - 1 };
        expect(result.ok).toBe(false);
        expect(result.badLeaves).toEqual([leaf]);
        expect(result.badRanges).toEqual([leafRange]);
        expect(result.refetchRanges).toEqual([leafRange]);
        expect(result.extraBytes).toBeUndefined();
      }),
      { numRuns: 25 },
    );
  });

  it('merges adjacent bad leaves into the fewest aligned ranges', () => {
    const copy = original.slice();
    for (const position of [MIB + 5, 2 * MIB + 5, 3 * MIB + 5, 5 * MIB + 5]) copy[position]! ^= 0xff;
    const result = compareWithManifest(reference, createLeafManifest(copy));
    expect(result.badLeaves).toEqual([1, 2, 3, 5]);
    expect(result.badRanges).toEqual([
      { start: MIB, end: 4 * MIB - 1 },
      { start: 5 * MIB, end: size - 1 },
    ]);
    expect(result.refetchRanges).toEqual([
      { start: MIB, end: 2 * MIB - 1 },
      { start: 2 * MIB, end: 4 * MIB - 1 },
      { start: 5 * MIB, end: size - 1 },
    ]);
  });

  it('handles truncated and overlong copies', () => {
    const short = compareWithManifest(reference, createLeafManifest(original.subarray(0, 2 * MIB + 10)));
    expect(short.badLeaves).toEqual([2, 3, 4, 5]);
    expect(short.refetchRanges).toEqual([
      { start: 2 * MIB, end: 4 * MIB - 1 },
      { start: 4 * MIB, end: size - 1 },
    ]);
    const long = new Uint8Array(size + 10);
    long.set(original);
    const over = compareWithManifest(reference, createLeafManifest(long));
    expect(over.ok).toBe(false);
    expect(over.badLeaves).toEqual([5]); // the last leaf has extra bytes
    expect(over.extraBytes).toEqual({ start: size, end: size + 9 });
    const exact = compareWithManifest(reference, createLeafManifest(original.slice()));
    expect(exact).toMatchObject({ ok: true, badLeaves: [], refetchRanges: [], extraBytes: undefined });
    const fullLeaves = createLeafManifest(original.subarray(0, 2 * MIB));
    const fullPlus = compareWithManifest(fullLeaves, createLeafManifest(original.subarray(0, 2 * MIB + 1)));
    expect(fullPlus).toMatchObject({ ok: false, badLeaves: [], extraBytes: { start: 2 * MIB, end: 2 * MIB } });
  });
});

describe('comparing a ranged copy (one piece of the archive) with the manifest', () => {
  const manifestOf = createLeafManifest;
  it('names bad leaves by their archive index', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), fc.nat(), (a, b, at) => {
        const first = Math.min(a, b);
        const last = Math.max(a, b);
        const range = { start: first * MIB, end: Math.min((last + 1) * MIB, SIZE_6_5_MIB) - 1 };
        const piece = archive.slice(range.start, range.end + 1);
        expect(compareWithManifest(manifest, manifestOf(piece), range)).toMatchObject({ ok: true, badLeaves: [], expectedSize: piece.length, range });
        const position = at % piece.length;
        piece[position]! ^= 0x10;
        const leaf = Math.floor((range.start + position) / MIB);
        const leafRange = { start: leaf * MIB, end: Math.min((leaf + 1) * MIB, SIZE_6_5_MIB) - 1 };
        expect(compareWithManifest(manifest, manifestOf(piece), range)).toMatchObject({
          ok: false,
          badLeaves: [leaf],
          badRanges: [leafRange],
          refetchRanges: [leafRange],
        });
      }),
      { numRuns: 20 },
    );
  });

  it('refuses ranges that are not megabyte aligned or not inside the archive', () => {
    const piece = manifestOf(archive.subarray(0, 10));
    expect(caught(() => compareWithManifest(manifest, piece, { start: 0, end: 9 })).code).toBe('ERR_RANGE_NOT_ALIGNED');
    expect(caught(() => compareWithManifest(manifest, piece, { start: 0, end: SIZE_6_5_MIB })).code).toBe('ERR_INVALID_RANGE');
    const extra = compareWithManifest(manifest, manifestOf(archive.subarray(MIB, 2 * MIB + 5)), { start: MIB, end: 2 * MIB - 1 });
    expect(extra).toMatchObject({ ok: false, badLeaves: [], extraBytes: { start: 2 * MIB, end: 2 * MIB + 4 } });
  });
});

describe('manifests of files', () => {
  it('manifestOfFile, writeLeafManifest and readLeafManifest agree with the in-memory manifest', async () => {
    const path = join(dir, 'archive.bin');
    writeFileSync(path, archive);
    const fromFile = await manifestOfFile(path);
    expect(fromFile.encode()).toEqual(manifest.encode());
    const manifestPath = join(dir, 'archive.bin.treehash-manifest');
    await writeLeafManifest(manifestPath, fromFile);
    expect(new Uint8Array(readFileSync(manifestPath))).toEqual(manifest.encode());
    expect((await readLeafManifest(manifestPath)).encode()).toEqual(manifest.encode());
    await expect(readLeafManifest(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ERR_READ_FAILED' });
    await expect(manifestOfFile(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ERR_READ_FAILED' });
    await expect(writeLeafManifest(join(dir, 'no-dir', 'x'), fromFile)).rejects.toMatchObject({ code: 'ERR_WRITE_FAILED' });
  });
});
