// glacier-treehash/s3 against references computed here: node:crypto's SHA-256 and MD5 per part
// (the composite and the ETag built by hand from the definitions), @aws-sdk/crc64-nvme for the
// full-object CRC, zlib and @aws-crypto/crc32c for the CRC-32s, and the naive tree of
// test/reference.ts for the Glacier tree hash. Sizes 0, 1, part boundaries ±1, 33 MiB with 5, 8
// and 16 MiB parts; any cutting of the input (fast-check); every engine.
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ENGINES, toHex } from '../src/index.js';
import {
  S3_PART_SIZE_PRESETS,
  candidateS3PartSizes,
  compositeCrc,
  compositeSha256,
  createS3Hasher,
  glacierVaultsToS3PartSize,
  hashForS3,
  multipartEtag,
  resolveS3PartSize,
  s3PartCount,
  s3PartRange,
} from '../src/s3/index.js';
import { expectCode, randomBytes } from './helpers.js';
import { MIB } from './reference.js';
import { be32, expectS3Values } from './s3-reference.js';

const GIB = 1024 * MIB;

async function check(bytes: Uint8Array, partSize: number, engine?: (typeof ENGINES)[number]): Promise<void> {
  const got = hashForS3(bytes, { partSize, crc32: true, crc32c: true, md5: true, ...(engine ? { engine } : {}) });
  expect(got.crc32 && got.crc32c && got.md5).toBeTruthy();
  await expectS3Values(got, bytes, partSize);
  got.parts.forEach((part, i) => expect(part).toMatchObject(s3PartRange(i + 1, bytes.length, partSize)));
}

describe('hashForS3 against node:crypto and @aws-sdk/crc64-nvme', () => {
  const P = 5 * MIB;
  const data = randomBytes(3 * P + 2, 21);

  it('sizes 0 and 1, and part boundaries ±1 (5 MiB parts)', async () => {
    for (const size of [0, 1, P - 1, P, P + 1, 2 * P - 1, 2 * P, 2 * P + 1, 3 * P + 2]) await check(data.subarray(0, size), P);
  });

  it('an empty object is one empty part: -1', () => {
    const got = hashForS3(new Uint8Array(0), { partSize: P });
    expect(got.partCount).toBe(1);
    expect(got.etag).toBe(`${createHash('md5').update(createHash('md5').digest()).digest('hex')}-1`);
    expect(got.parts[0]).toMatchObject({ partNumber: 1, start: 0, end: -1, size: 0 });
  });

  it('33 MiB with 5, 8 and 16 MiB parts', async () => {
    const big = randomBytes(33 * MIB, 33);
    for (const partSize of [5 * MIB, 8 * MIB, 16 * MIB]) await check(big, partSize);
  });

  it('every engine gives the same values', async () => {
    const bytes = data.subarray(0, 2 * P + 12345);
    for (const engine of ENGINES) await check(bytes, P, engine);
  });

  it("a single part still ends in -1, and its SHA-256 and MD5 are the whole object's", async () => {
    const bytes = data.subarray(0, 1000);
    const got = hashForS3(bytes, { partSize: 'aws-cli' });
    expect(got.sha256Composite.endsWith('-1')).toBe(true);
    expect(toHex(got.md5!)).toBe(createHash('md5').update(bytes).digest('hex'));
    expect(got.parts[0]!.sha256).toEqual(got.sha256);
  });
});

describe('createS3Hasher', () => {
  it('gives the one-shot values however the input is cut (fast-check)', async () => {
    const bytes = randomBytes(11 * MIB + 7, 5);
    const partSize = 5 * MIB;
    const want = hashForS3(bytes, { partSize, crc32c: true });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 8 }), async (rawCuts) => {
        const cuts = [0, ...[...new Set(rawCuts)].sort((a, b) => a - b), bytes.length];
        const hasher = createS3Hasher({ partSize, crc32c: true });
        for (let i = 0; i + 1 < cuts.length; i++) hasher.update(bytes.subarray(cuts[i], cuts[i + 1]));
        expect(hasher.size).toBe(bytes.length);
        const got = hasher.digest();
        expect(got.sha256Composite).toBe(want.sha256Composite);
        expect(got.etag).toBe(want.etag);
        expect(got.crc64nvme).toBe(want.crc64nvme);
        expect(got.crc32c).toBe(want.crc32c);
        expect(got.treeHash).toEqual(want.treeHash);
        expect(got.sha256).toEqual(want.sha256);
      }),
      { numRuns: 12 },
    );
  });

  it('is finished after digest(), checks a given size, and refuses more than 10,000 parts', () => {
    const hasher = createS3Hasher({ partSize: 5 * MIB });
    hasher.update('abc').digest();
    expectCode(() => hasher.update('x'), 'ERR_HASH_FINALIZED');
    expectCode(() => hasher.digest(), 'ERR_HASH_FINALIZED');
    expectCode(
      () =>
        createS3Hasher({ partSize: 5 * MIB, size: 4 })
          .update('abc')
          .digest(),
      'ERR_SIZE_MISMATCH',
    );
    expectCode(() => createS3Hasher({ partSize: 5 * MIB, size: 10_001 * 5 * MIB }), 'ERR_TOO_MANY_PARTS');
  });

  it('refuses bad options with typed errors', () => {
    expectCode(() => createS3Hasher({ partSize: 5 * MIB - 1 }), 'ERR_INVALID_PART_SIZE');
    expectCode(() => createS3Hasher({ partSize: 5 * GIB + 1 }), 'ERR_INVALID_PART_SIZE');
    expectCode(() => createS3Hasher({ partSize: 'rclone' as never }), 'ERR_INVALID_PART_SIZE');
    expectCode(() => createS3Hasher({ partSize: 'glacier-vaults-to-s3' }), 'ERR_INVALID_OPTION');
    expectCode(() => createS3Hasher(null as never), 'ERR_INVALID_OPTION');
    expectCode(() => hashForS3('abc', undefined as never), 'ERR_INVALID_OPTION');
    expectCode(() => createS3Hasher({ partSize: 5 * MIB, engine: 'gpu' as never }), 'ERR_INVALID_OPTION');
    expectCode(() => createS3Hasher({ partSize: 5 * MIB, size: -1 }), 'ERR_INVALID_SIZE');
  });
});

describe('values from part digests', () => {
  it('compositeSha256, multipartEtag and compositeCrc follow the definitions', () => {
    const parts = [randomBytes(100, 1), randomBytes(50, 2), randomBytes(7, 3)];
    const shas = parts.map((part) => new Uint8Array(createHash('sha256').update(part).digest()));
    const md5s = parts.map((part) => new Uint8Array(createHash('md5').update(part).digest()));
    expect(compositeSha256(shas)).toBe(`${createHash('sha256').update(Buffer.concat(shas)).digest('base64')}-3`);
    expect(multipartEtag(md5s)).toBe(`${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-3`);
    const crcs = parts.map((part) => zlibCrc32(part) >>> 0);
    expect(compositeCrc('crc32', crcs)).toBe(`${be32(zlibCrc32(Buffer.concat(crcs.map(be32)))).toString('base64')}-3`);
    expectCode(() => compositeSha256([]), 'ERR_INVALID_INPUT');
    expectCode(() => compositeSha256([new Uint8Array(31)]), 'ERR_INVALID_DIGEST');
    expectCode(() => multipartEtag([shas[0]!]), 'ERR_INVALID_DIGEST');
  });
});

describe('S3 part sizes', () => {
  it('presets: aws-cli and boto3 8 MiB, s3cmd 15 MiB, Re:Freezer 1.x 4 GiB', () => {
    expect(resolveS3PartSize('aws-cli')).toBe(8 * MIB);
    expect(resolveS3PartSize('boto3')).toBe(8 * MIB);
    expect(resolveS3PartSize('s3cmd')).toBe(15 * MIB);
    expect(resolveS3PartSize('refreezer-v1')).toBe(4 * GIB);
    expect(S3_PART_SIZE_PRESETS['aws-cli']).toBe(8 * MIB);
  });

  it("AWS's vault-to-S3 solution: 1 GiB, doubled while below size // 10000 + 1", () => {
    // The rule restated independently: the smallest 1 GiB * 2^k with 1 GiB * 2^k >= floor(size / 10000) + 1.
    const rule = (size: number) => {
      for (let k = 0; ; k++) if (GIB * 2 ** k >= Math.floor(size / 10_000) + 1) return GIB * 2 ** k;
    };
    for (const size of [0, 1, 33 * MIB, 5 * 1024 * GIB, 10_000 * GIB - 1, 10_000 * GIB, 10_000 * GIB + 1, 20_000 * GIB, 40 * 1024 * GIB]) {
      expect(glacierVaultsToS3PartSize(size)).toBe(rule(size));
    }
    expect(glacierVaultsToS3PartSize(10_000 * GIB - 1)).toBe(GIB);
    expect(glacierVaultsToS3PartSize(10_000 * GIB)).toBe(2 * GIB); // floor(size / 10000) + 1 = 1 GiB + 1
    expect(resolveS3PartSize('glacier-vaults-to-s3', 40 * GIB)).toBe(GIB);
    // Every chunk is one part, so a 40 GiB archive has 40 parts and a small one a composite "-1".
    expect(s3PartCount(40 * GIB, resolveS3PartSize('glacier-vaults-to-s3', 40 * GIB))).toBe(40);
    expect(hashForS3('x', { partSize: 'glacier-vaults-to-s3' }).sha256Composite.endsWith('-1')).toBe(true);
  });

  it('counts parts and refuses more than 10,000', () => {
    expect(s3PartCount(0, 5 * MIB)).toBe(1);
    expect(s3PartCount(33 * MIB, 8 * MIB)).toBe(5);
    expect(s3PartCount(10_000 * 5 * MIB, 5 * MIB)).toBe(10_000);
    expectCode(() => s3PartCount(10_000 * 5 * MIB + 1, 5 * MIB), 'ERR_TOO_MANY_PARTS');
    expectCode(() => s3PartCount(1.5, 5 * MIB), 'ERR_INVALID_SIZE');
  });

  it('lists every whole-MiB part size consistent with a part count', () => {
    expect(candidateS3PartSizes(33 * MIB, 3).map((size) => size / MIB)).toEqual([11, 12, 13, 14, 15, 16]);
    expect(candidateS3PartSizes(33 * MIB, 2).map((size) => size / MIB)).toEqual([17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32]);
    expect(candidateS3PartSizes(33 * MIB, 1)).toEqual([33 * MIB]);
    expect(candidateS3PartSizes(1, 1)).toEqual([5 * MIB]);
    expect(candidateS3PartSizes(33 * MIB, 7)).toEqual([5 * MIB]);
    expect(candidateS3PartSizes(33 * MIB, 8)).toEqual([]);
    for (const count of [1, 2, 3, 4, 5, 6, 7]) {
      for (const size of candidateS3PartSizes(33 * MIB + 5, count)) expect(s3PartCount(33 * MIB + 5, size)).toBe(count);
    }
  });
});
