// Part checksums, the archive hash from parts, and resuming; every hash checked against the
// level-by-level oracle on @noble/hashes (test/reference.ts), never against the product's own path.
import { mkdtempSync, rmSync, writeFileSync, createReadStream, mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { TreeHashError } from '../src/core/errors.js';
import { VALID_PART_SIZES, planParts } from '../src/upload/plan.js';
import { type MultipartChecksums, type PartChecksums, type PartHashing } from '../src/upload/types.js';
import { archiveTreeHashFromParts, resumeFromListParts } from '../src/upload/list-parts.js';
import { createPartHasher, restorePartHasher } from '../src/upload/part-hasher.js';
import { hashParts } from '../src/upload/hash-parts.js';
import { hashFileParts } from '../src/node/parts.js';
import { hashBlobParts, hashWebStreamParts } from '../src/web/parts.js';
import { createHash } from 'node:crypto';
import { type LinearHash, registerNativeHash } from '../src/hash/engine.js';
import { createTreeHasher, restoreTreeHasher } from '../src/hash/tree-hasher.js';
import { KERNEL_FLAG_LINEAR, KERNEL_FLAG_NO_TREE, type KernelRecord, decodeState, encodeState } from '../src/core/saved-state.js';
import { STATE_SEAL } from '../src/kernel/state.js';
import { MIB, mod251, referenceLeafDigests, referenceRoot, referenceSha256Hex, referenceTreeHash, referenceTreeHashHex } from './reference.js';
import { caughtAsync, codeOf, codeOfSync as caughtCode, randomBytes, saveAfterPart } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'treehash-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A part size, an archive size, a number to pick an offset or a part count with, and a seed for the bytes. */
const archiveCase = [fc.constantFrom(MIB, 2 * MIB, 4 * MIB), fc.integer({ min: 1, max: 9 * MIB }), fc.nat(), fc.integer()] as const;

/** Cuts `data` into chunks at the given (sorted, deduplicated) offsets. */
function cut(data: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set([0, ...offsets.filter((o) => o > 0 && o < data.length), data.length])].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i + 1 < points.length; i++) chunks.push(data.subarray(points[i], points[i + 1]));
  return chunks;
}

/** What the oracle says the parts of `data` are. */
function expectedParts(data: Uint8Array, partSize: number, from = 0) {
  return planParts(data.length, partSize)
    .parts.slice(from)
    .map((part) => {
      const bytes = data.subarray(part.start, part.end + 1);
      return { ...part, treeHash: referenceTreeHashHex(bytes), sha256: referenceSha256Hex(bytes) };
    });
}

function hexParts(parts: readonly PartChecksums[]) {
  return parts.map((p) => ({ ...p, treeHash: bytesToHex(p.treeHash), sha256: bytesToHex(p.sha256) }));
}

// §2.3 of the rules: the 6.5 MiB i-mod-251 archive in 2 MiB and 4 MiB parts (independent Python reference).
const MOD251_6_5 = {
  size: 6_815_744,
  treeHash: '8bcaa7b4b8f991ca140f306627f2c4e84601364cde8e054b6e0924433ca7482f',
  sha256: 'c05bf74d8dfb7c1a1c0e851433c0c8aba70641b14348d1f0fbc1ca560d0a2192',
  parts2: [
    'bf4dff263ae686b64403208c35a3767e38453d6477e841947588d13d04e1d816',
    '9e217b1ceb8db81071f9c6e4a2bf0401a83491d10751ce858a2628f5d699dbdb',
    '3f1cd462b63cf286198c3f2ee91cf116dfed51d327686dca0fb06ba94a4ae759',
    'c9fed994db0d8e2e5b7d603f40c18613d1f545288928a52ee9d2b2e2375f7160',
  ],
  parts4: ['c7d749cd55cefa8ed8fbc208202e18d019b7701f29886f7c5d662d77b3903833', '3e997f13ddc355e8a55035672d60ba90275ece6485044b3616a0966e2b895fc1'],
  parts1: [
    '631b84027d6b9e52b539c4e8373622d23032dfadc64d60af87339c9037e4f769',
    '729b9155f00261a681000ccd0ff20e750ed3d525b5b1e6fc961837a3bb666fd6',
    'c85ef98b88946506e2c5488c04b97d86b5ec214add104d4849a3145f5e49fd65',
    'fb424e06b1bcfa4abe6862ffbb279614d06fd76af7f0a9015d05943c19ff3bc7',
    '913ce5b1447d28935c8acc3bc64add33b4c092c1eda4d6913e42f41f57b73b11',
    '0c6cb13dd57281eb061a856c0c6b121aed3ef04e8d94ea989e4fd5f3918a4f20',
    'c9fed994db0d8e2e5b7d603f40c18613d1f545288928a52ee9d2b2e2375f7160',
  ],
  wrongRootOf3MiBParts: '7b6c575468be7445fb7fc57f52cc3a8876a9d6e409f615e19e31d6f9500bc063',
};

describe('archiveTreeHashFromParts', () => {
  it('combines the §2.3 part hashes (1, 2 and 4 MiB parts) to the archive root', () => {
    for (const [partSize, hashes] of [
      [MIB, MOD251_6_5.parts1],
      [2 * MIB, MOD251_6_5.parts2],
      [4 * MIB, MOD251_6_5.parts4],
    ] as const) {
      const fromHexStrings = archiveTreeHashFromParts(hashes, { partSize, archiveSize: MOD251_6_5.size });
      expect(bytesToHex(fromHexStrings)).toBe(MOD251_6_5.treeHash);
      const fromBytes = archiveTreeHashFromParts(
        hashes.map((h) => hexToBytes(h)),
        { partSize, archiveSize: MOD251_6_5.size },
      );
      expect(bytesToHex(fromBytes)).toBe(MOD251_6_5.treeHash);
    }
    // One part: its hash is the archive's.
    expect(bytesToHex(archiveTreeHashFromParts([MOD251_6_5.treeHash], { partSize: 8 * MIB, archiveSize: MOD251_6_5.size }))).toBe(MOD251_6_5.treeHash);
  });

  it('refuses a 3 MiB part size, whose parts would combine to a wrong root (§1.4)', async () => {
    const data = mod251(MOD251_6_5.size);
    const threeMiBParts = [0, 3 * MIB, 6 * MIB].map((s) => referenceTreeHash(data.subarray(s, s + 3 * MIB)));
    // The oracle confirms the danger: the naive combination is the documented wrong root.
    expect(bytesToHex(referenceRoot(threeMiBParts))).toBe(MOD251_6_5.wrongRootOf3MiBParts);
    expect(await codeOf(() => archiveTreeHashFromParts(threeMiBParts, { partSize: 3 * MIB, archiveSize: MOD251_6_5.size }))).toBe('ERR_INVALID_PART_SIZE');
  });

  it('gives one code per bad input', async () => {
    const h = MOD251_6_5.parts2;
    const options = { partSize: 2 * MIB, archiveSize: MOD251_6_5.size };
    expect(await codeOf(() => archiveTreeHashFromParts(h.slice(0, 3), options))).toBe('ERR_PART_COUNT_MISMATCH');
    expect(await codeOf(() => archiveTreeHashFromParts([...h, h[0]!], options))).toBe('ERR_PART_COUNT_MISMATCH');
    expect(await codeOf(() => archiveTreeHashFromParts([], options))).toBe('ERR_PART_COUNT_MISMATCH');
    expect(await codeOf(() => archiveTreeHashFromParts('abc' as never, options))).toBe('ERR_PART_COUNT_MISMATCH');
    expect(await codeOf(() => archiveTreeHashFromParts([h[0]!, h[1]!, h[2]!, 'zz'.repeat(32)], options))).toBe('ERR_INVALID_HEX');
    expect(await codeOf(() => archiveTreeHashFromParts([h[0]!, h[1]!, h[2]!, h[3]!.slice(2)], options))).toBe('ERR_INVALID_HEX');
    expect(await codeOf(() => archiveTreeHashFromParts([h[0]!, h[1]!, h[2]!, new Uint8Array(31)], options))).toBe('ERR_INVALID_DIGEST');
    expect(await codeOf(() => createPartHasher({ partSize: MIB, resumeFrom: ['not hex'] }))).toBe('ERR_INVALID_HEX');
    expect(await codeOf(() => createPartHasher({ partSize: MIB, resumeFrom: [42 as never] }))).toBe('ERR_INVALID_DIGEST');
    expect(await codeOf(() => archiveTreeHashFromParts(h, { partSize: 2 * MIB, archiveSize: 0 }))).toBe('ERR_EMPTY_ARCHIVE');
    expect(await codeOf(() => archiveTreeHashFromParts(h, { partSize: 2 * MIB, archiveSize: 1.5 }))).toBe('ERR_INVALID_SIZE');
    expect(await codeOf(() => archiveTreeHashFromParts(h, { partSize: MIB, archiveSize: 10_000 * MIB + 1 }))).toBe('ERR_TOO_MANY_PARTS');
    expect(await codeOf(() => archiveTreeHashFromParts(h, { partSize: 4 * 1024 * MIB, archiveSize: 42_949_672_960_001 }))).toBe('ERR_ARCHIVE_TOO_LARGE');
  });

  it('equals the tree over all leaves, for every part size and leaf count (digest-level property)', () => {
    // Random leaf digests stand in for data: part i of 2^k MiB is the oracle's tree over its leaves.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: MIB - 1 }),
        fc.integer(),
        (leafCount, k, shortBy, seed) => {
          const leaves = Array.from({ length: leafCount }, (_, i) => randomBytes(32, seed + i * 7919));
          const leavesPerPart = 2 ** k;
          const partHashes: Uint8Array[] = [];
          for (let i = 0; i < leafCount; i += leavesPerPart) partHashes.push(referenceRoot(leaves.slice(i, i + leavesPerPart)));
          const archiveSize = leafCount * MIB - shortBy;
          const root = archiveTreeHashFromParts(partHashes, { partSize: leavesPerPart * MIB, archiveSize });
          expect(bytesToHex(root)).toBe(bytesToHex(referenceRoot(leaves)));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('hashParts', () => {
  it('hashes every part and the archive, for random sizes, every part size and any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...VALID_PART_SIZES),
        fc.oneof(
          fc.integer({ min: 1, max: 9 * MIB }),
          fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: -1, max: 1 })).map(([n, d]) => n * MIB + d),
        ),
        fc.array(fc.integer({ min: 0, max: 9 * MIB }), { maxLength: 6 }),
        fc.integer(),
        async (partSize, size, offsets, seed) => {
          const data = randomBytes(size, seed);
          const hashing = hashParts(cut(data, offsets), { partSize });
          const yielded: PartChecksums[] = [];
          for await (const part of hashing) yielded.push(part);
          const result = await hashing.done();
          const expected = expectedParts(data, partSize);
          expect(hexParts(yielded)).toEqual(expected);
          expect(hexParts(result.parts)).toEqual(expected);
          expect(result.size).toBe(size);
          expect(result.partSize).toBe(partSize);
          expect(result.resumedParts).toBe(0);
          expect(bytesToHex(result.treeHash)).toBe(referenceTreeHashHex(data));
          expect(bytesToHex(result.sha256!)).toBe(referenceSha256Hex(data));
        },
      ),
      { numRuns: 25 },
    );
  });

  it("hands out each part's bytes with keepBytes, for sources that cannot be read twice", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(MIB, 2 * MIB, 4 * 1024 * MIB),
        fc.integer({ min: 1, max: 5 * MIB }),
        fc.array(fc.integer({ min: 0, max: 5 * MIB }), { maxLength: 5 }),
        fc.integer(),
        async (partSize, size, offsets, seed) => {
          const data = randomBytes(size, seed);
          const hashing = hashParts(Readable.from(cut(data, offsets)), { partSize, keepBytes: true });
          let position = 0;
          for await (const part of hashing) {
            expect(part.start).toBe(position);
            expect(part.bytes!.length).toBe(part.size);
            expect(Buffer.from(part.bytes!).equals(Buffer.from(data.subarray(part.start, part.end + 1)))).toBe(true);
            expect(bytesToHex(part.treeHash)).toBe(referenceTreeHashHex(part.bytes!));
            position = part.end + 1;
          }
          expect(position).toBe(size);
          const result = await hashing.done();
          expect(result.parts.every((part) => part.bytes === undefined)).toBe(true);
        },
      ),
      { numRuns: 15 },
    );
    const hasher = createPartHasher({ partSize: MIB });
    hasher.update(mod251(10));
    expect(await codeOf(() => hashParts([mod251(5)], { partSize: MIB, restore: hasher.save(), keepBytes: true }))).toBe('ERR_INVALID_OPTION');
  });

  it('matches the §2.3 fixture and the AWS CLI walkthrough (4,608,000 zero bytes in 1 MiB parts)', async () => {
    const result = await hashParts([mod251(MOD251_6_5.size)], { partSize: 2 * MIB }).done();
    expect(result.parts.map((p) => bytesToHex(p.treeHash))).toEqual(MOD251_6_5.parts2);
    expect(bytesToHex(result.treeHash)).toBe(MOD251_6_5.treeHash);
    expect(bytesToHex(result.sha256!)).toBe(MOD251_6_5.sha256);

    const zeros = await hashParts(new Uint8Array(4_608_000), { partSize: MIB }).done();
    expect(zeros.size).toBe(4_608_000);
    expect(zeros.parts.map((p) => p.contentRange)).toEqual([
      'bytes 0-1048575/*',
      'bytes 1048576-2097151/*',
      'bytes 2097152-3145727/*',
      'bytes 3145728-4194303/*',
      'bytes 4194304-4607999/*',
    ]);
    expect(bytesToHex(zeros.treeHash)).toBe('3d760edb291bfc9d90d35809243de092aea4c47b308290ad12d084f69988ae0c');
    expect(bytesToHex(zeros.sha256!)).toBe('cb228af4065a8be95006792a8199172366d0b63a4d39ce365f9591246861db16');
  });

  it('yields each part before reading past it', async () => {
    const data = mod251(5 * MIB + 3);
    let pulled = 0; // bytes handed out by the source so far
    async function* source() {
      for (let offset = 0; offset < data.length; offset += 256 * 1024) {
        const chunk = data.subarray(offset, offset + 256 * 1024);
        pulled += chunk.length;
        yield chunk;
      }
    }
    const seenAt: number[] = [];
    for await (const part of hashParts(source(), { partSize: MIB })) {
      seenAt.push(pulled);
      // The part's last byte was pulled, and not one chunk more.
      expect(pulled).toBeGreaterThan(part.end);
      expect(pulled).toBeLessThanOrEqual(part.end + 1 + 256 * 1024);
    }
    expect(seenAt.length).toBe(6);
  });

  it('done() alone reads everything; after a full iteration it gives the same totals', async () => {
    const data = mod251(3 * MIB + 17);
    const direct = await hashParts([data], { partSize: MIB }).done();
    const hashing = hashParts([data], { partSize: MIB });
    let count = 0;
    for await (const _part of hashing) count++;
    const after = await hashing.done();
    expect(count).toBe(4);
    expect(after).toEqual(direct);
    expect(await hashing.done()).toBe(after);
  });

  it('works on a Node Readable, a string and a Blob', async () => {
    const data = mod251(2 * MIB + 5);
    const path = join(dir, 'readable.bin');
    writeFileSync(path, data);
    const fromStream = await hashParts(createReadStream(path, { highWaterMark: 100_000 }), { partSize: MIB }).done();
    expect(bytesToHex(fromStream.treeHash)).toBe(referenceTreeHashHex(data));
    const fromReadable = await hashParts(Readable.from([data.subarray(0, 7), data.subarray(7)]), { partSize: MIB }).done();
    expect(fromReadable).toEqual(fromStream);
    const text = await hashParts('Welcome to Amazon Glacier.', { partSize: MIB }).done();
    expect(bytesToHex(text.treeHash)).toBe('726e392cb4d09924dbad1cc0ba3b00c3643d03d14cb4b823e2f041cff612a628');
    const fromBlob = await hashBlobParts(new Blob([data as Uint8Array<ArrayBuffer>]), { partSize: MIB }).done();
    expect(fromBlob).toEqual(fromStream);
  });

  it('works on a web ReadableStream, async-iterable or only readable by getReader()', async () => {
    const data = mod251(2 * MIB + 9);
    const expected = bytesToHex(referenceTreeHash(data));
    const stream = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let offset = 0; offset < data.length; offset += 300_000) controller.enqueue(data.subarray(offset, offset + 300_000));
          controller.close();
        },
      });
    // Node's ReadableStream is async-iterable, so the core takes it as it is.
    expect(bytesToHex((await hashParts(stream() as unknown as AsyncIterable<Uint8Array>, { partSize: MIB }).done()).treeHash)).toBe(expected);
    // As in browsers without ReadableStream async iteration: only getReader() is there.
    const readerOnly = stream();
    const onlyGetReader = { getReader: () => readerOnly.getReader() } as unknown as ReadableStream<Uint8Array>;
    expect(bytesToHex((await hashWebStreamParts(onlyGetReader, { partSize: MIB }).done()).treeHash)).toBe(expected);
    expect(await codeOf(() => hashWebStreamParts({} as never, { partSize: MIB }))).toBe('ERR_INVALID_INPUT');
    // Leaving early cancels the stream.
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new Uint8Array(MIB)),
      cancel: () => {
        cancelled = true;
      },
    });
    for await (const _part of hashWebStreamParts(endless, { partSize: MIB })) break;
    expect(cancelled).toBe(true);
  });

  it('reports bad input and failures with codes', async () => {
    expect(await codeOf(() => hashParts([new Uint8Array(0)], { partSize: MIB }).done())).toBe('ERR_EMPTY_ARCHIVE');
    expect(await codeOf(() => hashParts([], { partSize: MIB }).done())).toBe('ERR_EMPTY_ARCHIVE');
    expect(await codeOf(() => hashParts([new Uint8Array(1)], { partSize: 3 * MIB }))).toBe('ERR_INVALID_PART_SIZE');
    expect(await codeOf(() => hashParts([new Uint8Array(1)], undefined as never))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(() => hashParts(42 as never, { partSize: MIB }))).toBe('ERR_INVALID_INPUT');
    expect(await codeOf(() => hashParts([42] as never, { partSize: MIB }).done())).toBe('ERR_INVALID_INPUT');
    expect(await codeOf(() => hashParts([new Uint8Array(1)], { partSize: MIB, linear: 'yes' as never }))).toBe('ERR_INVALID_OPTION');
    async function* failing() {
      yield new Uint8Array(10);
      throw new Error('disk on fire');
    }
    const failure = await hashParts(failing(), { partSize: MIB })
      .done()
      .catch((e: unknown) => e);
    expect((failure as TreeHashError).code).toBe('ERR_READ_FAILED');
    expect(((failure as TreeHashError).cause as Error).message).toBe('disk on fire');
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    expect(await codeOf(() => hashParts([new Uint8Array(1)], { partSize: MIB, signal: controller.signal }).done())).toBe('ERR_ABORTED');
  });

  it('done() after a failed iteration rethrows the failure, not ERR_INVALID_STATE', async () => {
    async function* failing() {
      yield new Uint8Array(10);
      throw new Error('disk gone');
    }
    const hashing = hashParts(failing(), { partSize: MIB });
    const iterating = await caughtAsync(async () => {
      for await (const _part of hashing) {
        // the source fails before a part completes
      }
    });
    expect(iterating.code).toBe('ERR_READ_FAILED');
    const done = await caughtAsync(() => hashing.done());
    expect(done).toBe(iterating);
  });

  it('refuses a second iteration, and done() after a break', async () => {
    const hashing = hashParts([mod251(3 * MIB)], { partSize: MIB });
    for await (const _part of hashing) break;
    expect(await codeOf(() => hashing[Symbol.asyncIterator]())).toBe('ERR_INVALID_STATE');
    expect(await codeOf(() => hashing.done())).toBe('ERR_INVALID_STATE');
  });

  it('stops at 10,000 parts', async () => {
    // 9,999 parts resumed, then a full part and one byte more: part number 10,001.
    const resumeFrom = Array.from({ length: 9_999 }, () => new Uint8Array(32));
    const ok = await hashParts([new Uint8Array(MIB)], { partSize: MIB, resumeFrom }).done();
    expect(ok.size).toBe(10_000 * MIB);
    expect(ok.parts[0]!.index).toBe(9_999);
    expect(await codeOf(() => hashParts([new Uint8Array(MIB + 1)], { partSize: MIB, resumeFrom }).done())).toBe('ERR_TOO_MANY_PARTS');
    expect(await codeOf(() => hashParts([new Uint8Array(1)], { partSize: MIB, resumeFrom: [...resumeFrom, ...resumeFrom] }))).toBe('ERR_TOO_MANY_PARTS');
  });
});

describe('createPartHasher', () => {
  it('returns completed parts from update() and the last one from finish(); then refuses more', async () => {
    const data = mod251(2 * MIB + 100);
    const hasher = createPartHasher({ partSize: MIB });
    expect(hasher.update(data.subarray(0, MIB - 1))).toEqual([]);
    const first = hasher.update(data.subarray(MIB - 1, 2 * MIB + 1));
    expect(first.map((p) => p.index)).toEqual([0, 1]);
    expect(hasher.size).toBe(2 * MIB + 1);
    expect(hasher.update(data.subarray(2 * MIB + 1))).toEqual([]);
    const { lastPart, result } = hasher.finish();
    expect(lastPart!.size).toBe(100);
    expect(bytesToHex(lastPart!.treeHash)).toBe(referenceTreeHashHex(data.subarray(2 * MIB)));
    expect(result.size).toBe(data.length);
    expect(bytesToHex(result.treeHash)).toBe(referenceTreeHashHex(data));
    expect(await codeOf(() => hasher.update(new Uint8Array(1)))).toBe('ERR_HASH_FINALIZED');
    expect(await codeOf(() => hasher.finish())).toBe('ERR_HASH_FINALIZED');
  });

  it('keeps two part hashers apart when interleaved', () => {
    const a = mod251(3 * MIB + 1);
    const b = randomBytes(3 * MIB + 1, 7);
    const first = createPartHasher({ partSize: MIB });
    const second = createPartHasher({ partSize: 2 * MIB });
    for (let offset = 0; offset < a.length; offset += 500_000) {
      first.update(a.subarray(offset, offset + 500_000));
      second.update(b.subarray(offset, offset + 500_000));
    }
    const ra = first.finish().result;
    const rb = second.finish().result;
    expect([bytesToHex(ra.treeHash), bytesToHex(ra.sha256!)]).toEqual([referenceTreeHashHex(a), referenceSha256Hex(a)]);
    expect([bytesToHex(rb.treeHash), bytesToHex(rb.sha256!)]).toEqual([referenceTreeHashHex(b), referenceSha256Hex(b)]);
    expect(hexParts(rb.parts)).toEqual(expectedParts(b, 2 * MIB));
  });

  it('can skip the whole-archive SHA-256', () => {
    const hasher = createPartHasher({ partSize: MIB, linear: false });
    hasher.update(mod251(10));
    expect(hasher.finish().result.sha256).toBeUndefined();
  });
});

describe('resuming from part tree hashes', () => {
  it('continues from any number of known parts to the same archive hash, without the skipped bytes', async () => {
    await fc.assert(
      fc.asyncProperty(...archiveCase, async (partSize, size, pick, seed) => {
        const data = randomBytes(size, seed);
        const all = expectedParts(data, partSize);
        const known = pick % all.length; // never the last part: something must remain to read
        const resumeFrom = all.slice(0, known).map((p) => p.treeHash); // hex, as ListParts gives them
        const rest = data.subarray(known * partSize);
        const result = await hashParts([rest], { partSize, resumeFrom }).done();
        expect(result.size).toBe(size);
        expect(result.resumedParts).toBe(known);
        expect(hexParts(result.parts)).toEqual(all.slice(known));
        expect(bytesToHex(result.treeHash)).toBe(referenceTreeHashHex(data));
        expect(result.sha256 === undefined).toBe(known > 0);
      }),
      { numRuns: 20 },
    );
  });

  it('reads whole bytes (Uint8Array, ArrayBuffer, string) from the resume or restore point', async () => {
    const data = randomBytes(7 * MIB + 5, 7);
    const partSize = 2 * MIB;
    const all = expectedParts(data, partSize);
    const resumeFrom = all.slice(0, 2).map((p) => p.treeHash);
    for (const bytes of [data, data.slice().buffer, new DataView(data.buffer)]) {
      const result = await hashParts(bytes, { partSize, resumeFrom }).done();
      expect(result.size).toBe(data.length);
      expect(hexParts(result.parts)).toEqual(all.slice(2));
      expect(bytesToHex(result.treeHash)).toBe(referenceTreeHashHex(data));
    }
    const text = 'x'.repeat(3 * MIB + 3);
    const textBytes = new TextEncoder().encode(text);
    const fromText = await hashParts(text, { partSize: MIB, resumeFrom: [referenceTreeHashHex(textBytes.subarray(0, MIB))] }).done();
    expect(bytesToHex(fromText.treeHash)).toBe(referenceTreeHashHex(textBytes));

    const saving = createPartHasher({ partSize });
    saving.update(data.subarray(0, 3 * MIB + 17));
    const restored = await hashParts(data, { partSize, restore: saving.save() }).done();
    expect(restored.size).toBe(data.length);
    expect(hexParts(restored.parts)).toEqual(all.slice(1));
    expect(bytesToHex(restored.treeHash)).toBe(referenceTreeHashHex(data));
    expect(bytesToHex(restored.sha256!)).toBe(referenceSha256Hex(data));

    expect(await codeOf(() => hashParts(data.subarray(0, MIB), { partSize, resumeFrom }))).toBe('ERR_INVALID_RANGE');
  });

  it('keeps exact offsets past 2^32 (4 GiB parts, resumed so that only the tail is hashed)', async () => {
    const GIB4 = 4 * 1024 * MIB;
    const head = randomBytes(32, 1); // stands for the tree hash of a first 4 GiB part
    const tail = mod251(10);
    const result = await hashParts([tail], { partSize: GIB4, resumeFrom: [head] }).done();
    expect(result.size).toBe(GIB4 + 10);
    expect(result.parts).toHaveLength(1);
    expect(result.parts[0]).toMatchObject({ index: 1, start: 4_294_967_296, end: 4_294_967_305, size: 10, contentRange: 'bytes 4294967296-4294967305/*' });
    expect(bytesToHex(result.treeHash)).toBe(bytesToHex(referenceRoot([head, referenceTreeHash(tail)])));
    // The largest archive: 9,999 parts of 4 GiB known, one more part of 1 byte.
    const known = Array.from({ length: 9_999 }, (_, i) => randomBytes(32, i + 1));
    const last = await hashParts([new Uint8Array([7])], { partSize: GIB4, resumeFrom: known }).done();
    expect(last.size).toBe(9_999 * GIB4 + 1);
    expect(last.parts[0]!.contentRange).toBe('bytes 42945377992704-42945377992704/*');
    expect(bytesToHex(last.treeHash)).toBe(bytesToHex(referenceRoot([...known, referenceTreeHash(new Uint8Array([7]))])));
  });

  it('reads a file from past 2^32 when resuming (sparse file)', async () => {
    const GIB4 = 4 * 1024 * MIB;
    const path = join(dir, 'sparse-4GiB.bin');
    const tail = mod251(MIB + 3);
    const handle = await open(path, 'w');
    await handle.write(tail, 0, tail.length, GIB4); // bytes 0..4 GiB-1 are a hole
    await handle.close();
    const head = randomBytes(32, 2);
    const result = await hashFileParts(path, { partSize: GIB4, resumeFrom: [head] }).done();
    expect(result.size).toBe(GIB4 + MIB + 3);
    expect(result.parts[0]!.contentRange).toBe(`bytes ${GIB4}-${GIB4 + MIB + 2}/*`);
    expect(bytesToHex(result.parts[0]!.treeHash)).toBe(referenceTreeHashHex(tail));
    expect(bytesToHex(result.treeHash)).toBe(bytesToHex(referenceRoot([head, referenceTreeHash(tail)])));
    rmSync(path);
  });

  it('reads ListParts pages (any order, with a gap) into a resume point', async () => {
    const data = mod251(MOD251_6_5.size);
    const page1 = {
      PartSizeInBytes: 2 * MIB,
      Parts: [
        { RangeInBytes: '2097152-4194303', SHA256TreeHash: MOD251_6_5.parts2[1] },
        { RangeInBytes: '0-2097151', SHA256TreeHash: MOD251_6_5.parts2[0] },
      ],
    };
    const page2 = { PartSizeInBytes: 2 * MIB, Parts: [{ RangeInBytes: '6291456-6815743', SHA256TreeHash: MOD251_6_5.parts2[3] }] };
    const listed = resumeFromListParts([page1, page2]);
    expect(listed.partSize).toBe(2 * MIB);
    expect(listed.nextByte).toBe(4 * MIB);
    expect(listed.resumeFrom.map(bytesToHex)).toEqual(MOD251_6_5.parts2.slice(0, 2));
    expect([...listed.uploaded.keys()].sort()).toEqual([0, 1, 3]);
    const path = join(dir, 'mod251-6.5.bin');
    writeFileSync(path, data);
    const hashing = hashFileParts(path, { partSize: listed.partSize, resumeFrom: listed.resumeFrom });
    const result = await hashing.done();
    expect(result.parts.map((p) => p.index)).toEqual([2, 3]);
    expect(bytesToHex(result.treeHash)).toBe(MOD251_6_5.treeHash);
    // With every part listed, the archive hash needs no bytes at all.
    const complete = resumeFromListParts({
      ...page1,
      Parts: [...page1.Parts, ...page2.Parts, { RangeInBytes: '4194304-6291455', SHA256TreeHash: MOD251_6_5.parts2[2] }],
    });
    const hashes = [0, 1, 2, 3].map((i) => complete.uploaded.get(i)!);
    expect(bytesToHex(archiveTreeHashFromParts(hashes, { partSize: 2 * MIB, archiveSize: MOD251_6_5.size }))).toBe(MOD251_6_5.treeHash);
  });

  it('refuses bad ListParts data with codes', async () => {
    const part = { RangeInBytes: '0-2097151', SHA256TreeHash: MOD251_6_5.parts2[0] };
    expect(await codeOf(() => resumeFromListParts({ PartSizeInBytes: 3 * MIB, Parts: [part] }))).toBe('ERR_INVALID_PART_SIZE');
    expect(await codeOf(() => resumeFromListParts({ PartSizeInBytes: 2 * MIB, Parts: [{ ...part, RangeInBytes: 'x' }] }))).toBe('ERR_INVALID_RANGE');
    expect(await codeOf(() => resumeFromListParts({ PartSizeInBytes: 2 * MIB, Parts: [{ SHA256TreeHash: part.SHA256TreeHash }] }))).toBe('ERR_INVALID_RANGE');
    expect(await codeOf(() => resumeFromListParts({ PartSizeInBytes: 2 * MIB, Parts: [{ ...part, RangeInBytes: '1-2097152' }] }))).toBe('ERR_PART_MISALIGNED');
    expect(
      await codeOf(() => resumeFromListParts({ PartSizeInBytes: 2 * MIB, Parts: [{ ...part, SHA256TreeHash: 'c06f7cd4baacb087002a99a5f48bf953' }] })),
    ).toBe('ERR_INVALID_HEX');
    expect(
      await codeOf(() =>
        resumeFromListParts([
          { PartSizeInBytes: 2 * MIB, Parts: [] },
          { PartSizeInBytes: MIB, Parts: [] },
        ]),
      ),
    ).toBe('ERR_INVALID_INPUT');
    expect(await codeOf(() => resumeFromListParts([]))).toBe('ERR_INVALID_INPUT');
  });
});

describe('hashFileParts and hashBlobParts', () => {
  it('agree with the oracle on files and Blobs of boundary sizes', async () => {
    for (const size of [1, MIB - 1, MIB, MIB + 1, 4 * MIB, 4 * MIB + 1, 9 * MIB - 1]) {
      const data = randomBytes(size, size);
      const path = join(dir, `f${size}.bin`);
      writeFileSync(path, data);
      for (const partSize of [MIB, 2 * MIB, 8 * MIB]) {
        const expected = expectedParts(data, partSize);
        const fromFile: MultipartChecksums = await hashFileParts(path, { partSize }).done();
        expect(hexParts(fromFile.parts)).toEqual(expected);
        expect(bytesToHex(fromFile.treeHash)).toBe(referenceTreeHashHex(data));
        expect(bytesToHex(fromFile.sha256!)).toBe(referenceSha256Hex(data));
        expect(fromFile.size).toBe(size);
        const fromBlob = await hashBlobParts(new Blob([data as Uint8Array<ArrayBuffer>]), { partSize }).done();
        expect(fromBlob).toEqual(fromFile);
      }
    }
  });

  it('reports files it cannot read, and resumed parts beyond the end', async () => {
    expect(await codeOf(() => hashFileParts(join(dir, 'missing'), { partSize: MIB }).done())).toBe('ERR_READ_FAILED');
    const sub = join(dir, 'a-directory');
    mkdirSync(sub);
    expect(await codeOf(() => hashFileParts(sub, { partSize: MIB }).done())).toBe('ERR_READ_FAILED');
    const path = join(dir, 'small.bin');
    writeFileSync(path, mod251(10));
    const resumeFrom = [referenceLeafDigests(mod251(MIB))[0]!, referenceLeafDigests(mod251(MIB))[0]!];
    expect(await codeOf(() => hashFileParts(path, { partSize: MIB, resumeFrom }).done())).toBe('ERR_INVALID_RANGE');
    expect(await codeOf(() => hashBlobParts(new Blob([mod251(10) as Uint8Array<ArrayBuffer>]), { partSize: MIB, resumeFrom }))).toBe('ERR_INVALID_RANGE');
    expect(await codeOf(() => hashBlobParts('not a blob' as never, { partSize: MIB }))).toBe('ERR_INVALID_INPUT');
    expect(await codeOf(() => hashBlobParts(new Blob([]), { partSize: MIB }))).toBe('ERR_EMPTY_ARCHIVE');
    expect(await codeOf(() => hashBlobParts(new Blob([mod251(10) as Uint8Array<ArrayBuffer>]), { partSize: 3 * MIB }))).toBe('ERR_INVALID_PART_SIZE');
    const empty = join(dir, 'empty.bin');
    writeFileSync(empty, new Uint8Array(0));
    expect(await codeOf(() => hashFileParts(empty, { partSize: MIB }).done())).toBe('ERR_EMPTY_ARCHIVE');
  });
});

describe('save() and restorePartHasher()', () => {
  it('continues at exactly the saved byte, per-part and whole-archive SHA-256 included (random offsets)', async () => {
    await fc.assert(
      fc.asyncProperty(...archiveCase, async (partSize, size, pick, seed) => {
        const data = randomBytes(size, seed);
        const cutAt = pick % (size + 1); // 0 … size
        const before = createPartHasher({ partSize });
        const early = before.update(data.subarray(0, cutAt));
        const state = before.save();
        const after = restorePartHasher(state);
        expect(after.size).toBe(cutAt);
        const late = after.update(data.subarray(cutAt));
        const { lastPart, result } = after.finish();
        const all = expectedParts(data, partSize);
        const done = Math.floor(cutAt / partSize);
        expect(hexParts(early)).toEqual(all.slice(0, done));
        expect(hexParts([...late, ...(lastPart ? [lastPart] : [])])).toEqual(all.slice(done));
        expect(result.resumedParts).toBe(done);
        expect(result.size).toBe(size);
        expect(bytesToHex(result.treeHash)).toBe(referenceTreeHashHex(data));
        expect(bytesToHex(result.sha256!)).toBe(referenceSha256Hex(data));
      }),
      { numRuns: 20 },
    );
  });

  it('hashFileParts: save while holding part i, restore, and get the parts after i', async () => {
    const data = randomBytes(7 * MIB + 12, 99);
    const path = join(dir, 'save-restore.bin');
    writeFileSync(path, data);
    const all = expectedParts(data, MIB);
    const first = hashFileParts(path, { partSize: MIB });
    let state: Uint8Array | undefined;
    for await (const part of first) {
      if (part.index === 2) {
        state = first.save();
        break; // a crash, say
      }
    }
    const second = hashFileParts(path, { partSize: MIB, restore: state });
    expect(second.start).toBe(3 * MIB);
    const rest: PartChecksums[] = [];
    for await (const part of second) rest.push(part);
    expect(hexParts(rest)).toEqual(all.slice(3));
    const result = await second.done();
    expect(bytesToHex(result.treeHash)).toBe(referenceTreeHashHex(data));
    expect(result.sha256).toBeUndefined(); // node:crypto's whole-file hash cannot be saved
    // The core's kernel-based whole hash is carried over.
    const core = hashParts([data.subarray(0, 5 * MIB + 1)], { partSize: MIB });
    let saved: Uint8Array | undefined;
    for await (const part of core) if (part.index === 4) saved = core.save();
    const resumed = await hashParts([data.subarray(5 * MIB)], { partSize: MIB, restore: saved! }).done();
    expect(bytesToHex(resumed.sha256!)).toBe(referenceSha256Hex(data));
    expect(bytesToHex(resumed.treeHash)).toBe(referenceTreeHashHex(data));
  });

  it('refuses bad states and mismatched options with codes', async () => {
    const hasher = createPartHasher({ partSize: MIB });
    hasher.update(mod251(MIB + 5));
    const state = hasher.save();
    expect(await codeOf(() => restorePartHasher(state.subarray(1)))).toBe('ERR_INVALID_STATE');
    expect(await codeOf(() => restorePartHasher(state.subarray(0, state.length - 1)))).toBe('ERR_INVALID_STATE');
    expect(await codeOf(() => restorePartHasher('state' as never))).toBe('ERR_INVALID_STATE');
    const otherFormat = state.slice();
    otherFormat[4] = 99;
    expect(await codeOf(() => restorePartHasher(otherFormat))).toBe('ERR_INVALID_STATE');
    // Fields that disagree are refused even under a valid check (a forged state).
    const fields = decodeState(state, 'part', STATE_SEAL);
    expect(await codeOf(() => restorePartHasher(encodeState({ ...fields, partSize: 3 * MIB }, STATE_SEAL)))).toBe('ERR_INVALID_STATE');
    expect(await codeOf(() => restorePartHasher(encodeState({ ...fields, partSize: 8 * MIB }, STATE_SEAL)))).toBe('ERR_INVALID_STATE'); // the whole SHA-256 covers 1 MiB + 5
    const otherBuild = state.slice();
    otherBuild[20] ^= 0xff; // inside the kernel build's id
    expect(await codeOf(() => restorePartHasher(otherBuild))).toBe('ERR_INVALID_STATE');
    expect(await codeOf(() => restoreTreeHasher(state))).toBe('ERR_INVALID_STATE'); // another kind
    expect(await codeOf(() => hashParts([new Uint8Array(1)], { partSize: 2 * MIB, restore: state }))).toBe('ERR_INVALID_STATE');
    expect(await codeOf(() => hashParts([new Uint8Array(1)], { partSize: MIB, restore: state, resumeFrom: [] }))).toBe('ERR_INVALID_OPTION');
    hasher.finish();
    expect(await codeOf(() => hasher.save())).toBe('ERR_HASH_FINALIZED');
  });
});

describe('savePoint', () => {
  it("'part': save() mid-part is the state at the part's start, and a restored run there gives the reference results", async () => {
    await fc.assert(
      fc.asyncProperty(
        ...archiveCase,
        fc.constantFrom('auto', 'native', 'wasm') as fc.Arbitrary<'auto' | 'native' | 'wasm'>,
        async (partSize, size, pick, seed, engine) => {
          const data = randomBytes(size, seed);
          const cutAt = pick % (size + 1);
          const before = createPartHasher({ partSize, savePoint: 'part', engine });
          before.update(data.subarray(0, cutAt));
          const partStart = Math.floor(cutAt / partSize) * partSize;
          const after = restorePartHasher(before.save(), { savePoint: 'part', engine });
          expect(after.size).toBe(partStart);
          const late = after.update(data.subarray(after.size));
          const { lastPart, result } = after.finish();
          const all = expectedParts(data, partSize);
          expect(hexParts([...late, ...(lastPart ? [lastPart] : [])])).toEqual(all.slice(partStart / partSize));
          expect(bytesToHex(result.treeHash)).toBe(referenceTreeHashHex(data));
          expect(bytesToHex(result.sha256!)).toBe(referenceSha256Hex(data));
        },
      ),
      { numRuns: 20 },
    );
  });

  it("engine 'native' saves at the part's start instead of refusing; it cannot save at the byte", async () => {
    const data = randomBytes(3 * MIB + 100, 5);
    const hasher = createPartHasher({ partSize: MIB, engine: 'native' });
    hasher.update(data.subarray(0, 2 * MIB + 7));
    const restored = restorePartHasher(hasher.save());
    expect(restored.size).toBe(2 * MIB);
    restored.update(data.subarray(2 * MIB));
    const { result } = restored.finish();
    expect(bytesToHex(result.treeHash)).toBe(referenceTreeHashHex(data));
    expect(bytesToHex(result.sha256!)).toBe(referenceSha256Hex(data));
    expect(await codeOf(() => createPartHasher({ partSize: MIB, engine: 'native', savePoint: 'byte' }))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(() => createPartHasher({ partSize: MIB, savePoint: 'exact' as never }))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(() => restorePartHasher(hasher.save(), { engine: 'native', savePoint: 'byte' }))).toBe('ERR_INVALID_OPTION');
  });

  it('hashParts: save() while a part is being read is at its start (default) or at the byte (savePoint: byte)', async () => {
    const data = randomBytes(5 * MIB + 33, 17);
    const cutAt = 2 * MIB + 12345; // the source pauses here, inside part 1 of 2 MiB parts
    for (const savePoint of [undefined, 'byte'] as const) {
      let state: Uint8Array | undefined;
      let hashing: PartHashing | undefined;
      async function* source() {
        yield data.subarray(0, cutAt);
        state = hashing!.save(); // runs when the next chunk is asked for: the hasher is mid-part
        yield data.subarray(cutAt);
      }
      hashing = hashParts(source(), { partSize: 2 * MIB, ...(savePoint ? { savePoint } : {}) });
      await hashing.done();
      const resumed = hashParts(data, { partSize: 2 * MIB, restore: state!, ...(savePoint ? { savePoint } : {}) });
      expect(resumed.start).toBe(savePoint === 'byte' ? cutAt : 2 * MIB);
      const result = await resumed.done();
      expect(hexParts(result.parts)).toEqual(expectedParts(data, 2 * MIB, 1));
      expect(bytesToHex(result.treeHash)).toBe(referenceTreeHashHex(data));
      expect(bytesToHex(result.sha256!)).toBe(referenceSha256Hex(data));
    }
  });

  it("hashes each part's SHA-256 with node:crypto by default in hashParts, and keeps it in Wasm for createPartHasher", async () => {
    // Count the bytes node:crypto sees: leaves alone are 1× the data; leaves and each part's SHA-256 2×.
    const data = randomBytes(4 * MIB, 3);
    const byDefault = await nativeBytesOf(async () => {
      const result = await hashParts(data, { partSize: MIB, linear: false }).done();
      expect(hexParts(result.parts)).toEqual(expectedParts(data, MIB));
    });
    expect(byDefault).toBe(2 * data.length);
    const inCreatePartHasher = await nativeBytesOf(async () => {
      const hasher = createPartHasher({ partSize: MIB, linear: false });
      expect(hexParts(hasher.update(data))).toEqual(expectedParts(data, MIB));
    });
    expect(inCreatePartHasher).toBe(data.length);
  });
});

/** Runs `fn` with node:crypto counting the bytes it hashes; returns that count. */
async function nativeBytesOf(fn: () => Promise<void>): Promise<number> {
  let nativeBytes = 0;
  const counting = (hash: LinearHash): LinearHash => ({
    update(bytes) {
      nativeBytes += bytes.length;
      hash.update(bytes);
      return this;
    },
    digest: () => hash.digest(),
    copy: () => counting(hash.copy!()),
  });
  registerNativeHash(() => counting(createHash('sha256')));
  try {
    await fn();
  } finally {
    registerNativeHash(undefined);
  }
  return nativeBytes;
}

describe('hashParts of bytes in memory: the whole SHA-256 on node:crypto', () => {
  it('by default: parts and whole match the reference, and node:crypto sees every byte three times (leaves, part, whole)', async () => {
    const data = randomBytes(5 * MIB + 3, 31);
    const seen = await nativeBytesOf(async () => {
      const hashing = hashParts(data, { partSize: 2 * MIB });
      const parts: PartChecksums[] = [];
      for await (const part of hashing) parts.push(part);
      const result = await hashing.done();
      expect(hexParts(parts)).toEqual(expectedParts(data, 2 * MIB));
      expect(bytesToHex(result.sha256!)).toBe(referenceSha256Hex(data));
      expect(bytesToHex(result.treeHash)).toBe(referenceTreeHashHex(data));
    });
    expect(seen).toBe(3 * data.length);
    // engine 'wasm' keeps every hash in the kernel; done() alone (no iteration) gives the same totals.
    const wasmSeen = await nativeBytesOf(async () => {
      const result = await hashParts(data, { partSize: 2 * MIB, engine: 'wasm' }).done();
      expect(bytesToHex(result.sha256!)).toBe(referenceSha256Hex(data));
      expect(hexParts(result.parts)).toEqual(expectedParts(data, 2 * MIB));
    });
    expect(wasmSeen).toBe(0);
  });

  it('resumed or restored runs still give the whole SHA-256 (all the bytes are at hand)', async () => {
    const data = randomBytes(7 * MIB + 11, 32);
    const resumeFrom = expectedParts(data, 2 * MIB)
      .slice(0, 2)
      .map((part) => part.treeHash);
    const resumed = await hashParts(data, { partSize: 2 * MIB, resumeFrom }).done();
    expect(bytesToHex(resumed.sha256!)).toBe(referenceSha256Hex(data));
    expect(bytesToHex(resumed.treeHash)).toBe(referenceTreeHashHex(data));
    const first = hashParts(data, { partSize: 2 * MIB });
    const state = await saveAfterPart(first, 1);
    expect(await codeOf(() => first.done())).toBe('ERR_INVALID_STATE'); // stopped early: no totals
    const restored = hashParts(data, { partSize: 2 * MIB, restore: state });
    expect(restored.start).toBe(4 * MIB);
    const rest: PartChecksums[] = [];
    for await (const part of restored) rest.push(part);
    const result = await restored.done();
    expect(hexParts(rest)).toEqual(expectedParts(data, 2 * MIB, 2));
    expect(bytesToHex(result.sha256!)).toBe(referenceSha256Hex(data));
  });

  it('iterates once, as every PartHashing does', async () => {
    const hashing = hashParts(randomBytes(3 * MIB, 33), { partSize: MIB });
    for await (const _part of hashing) void _part;
    expect(caughtCode(() => hashing[Symbol.asyncIterator]())).toBe('ERR_INVALID_STATE');
    expect(bytesToHex((await hashing.done()).sha256!)).toBe(referenceSha256Hex(randomBytes(3 * MIB, 33)));
  });
});

describe('the whole-archive SHA-256 state', () => {
  const FLAGS = (record: KernelRecord) => new DataView(record.region.buffer, record.region.byteOffset).getUint32(0, true);

  it('is saved without a tree (the kernel skips the tree for it)', () => {
    const hasher = createPartHasher({ partSize: MIB });
    hasher.update(randomBytes(MIB + 5, 8));
    const { whole, part } = decodeState(hasher.save(), 'part', STATE_SEAL);
    expect(FLAGS(whole!)).toBe(KERNEL_FLAG_LINEAR | KERNEL_FLAG_NO_TREE);
    expect(FLAGS(part!)).toBe(KERNEL_FLAG_LINEAR);
    expect(whole!.size).toBe(MIB + 5);
    hasher.finish();
  });

  it("refuses a whole-archive record that is a tree hasher's (with or without the linear SHA-256), even under a valid check", () => {
    const data = randomBytes(3 * MIB + 77, 21);
    const cutAt = MIB + 1000;
    const hasher = createPartHasher({ partSize: MIB });
    hasher.update(data.subarray(0, cutAt));
    const fields = decodeState(hasher.save(), 'part', STATE_SEAL);
    for (const linear of [true, false]) {
      const tree = decodeState(createTreeHasher({ linear }).update(data.subarray(0, cutAt)).save(), 'tree', STATE_SEAL).hasher;
      expect(caughtCode(() => restorePartHasher(encodeState({ ...fields, whole: tree }, STATE_SEAL)))).toBe('ERR_INVALID_STATE');
    }
    // Unchanged, it continues to the reference.
    const restored = restorePartHasher(encodeState(fields, STATE_SEAL));
    restored.update(data.subarray(cutAt));
    const { result } = restored.finish();
    expect(bytesToHex(result.sha256!)).toBe(referenceSha256Hex(data));
    expect(bytesToHex(result.treeHash)).toBe(referenceTreeHashHex(data));
    hasher.finish();
  });
});

describe('engines', () => {
  it('every engine gives the reference part hashes and archive hash', async () => {
    const data = mod251(7 * MIB + 321);
    const partSize = 2 * MIB;
    for (const engine of ['auto', 'wasm', 'wasm-scalar', 'native'] as const) {
      const hashing = hashParts([data.subarray(0, 3 * MIB + 1), data.subarray(3 * MIB + 1)], { partSize, engine });
      const parts = [];
      for await (const part of hashing) parts.push(part);
      const result = await hashing.done();
      expect(parts.map((p) => bytesToHex(p.treeHash))).toEqual(parts.map((p) => referenceTreeHashHex(data.subarray(p.start, p.end + 1))));
      expect(parts.map((p) => bytesToHex(p.sha256))).toEqual(parts.map((p) => referenceSha256Hex(data.subarray(p.start, p.end + 1))));
      expect(bytesToHex(result.treeHash)).toBe(referenceTreeHashHex(data));
      expect(bytesToHex(result.sha256!)).toBe(referenceSha256Hex(data));
    }
    expect(await codeOf(() => createPartHasher({ partSize, engine: 'gpu' as never }))).toBe('ERR_INVALID_OPTION');
  });
});
