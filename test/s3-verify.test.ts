// Checking a local copy against what S3 prints (get-object-attributes / head-object JSON, built
// here from the definitions with node:crypto and @aws-sdk/crc64-nvme), and identify: which kind of
// checksum a value is, with the part size that reproduces a -N value.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../src/index.js';
import { identifyFile, verifyFileForS3 } from '../src/node/index.js';
import { createChecksumIdentifier, hashForS3, identifyCandidates, parseS3ObjectAttributes, verifyS3ObjectAttributes } from '../src/s3/index.js';
import { codeOfSync, randomBytes } from './helpers.js';
import { MIB } from './reference.js';
import { be32, expectedS3, getObjectAttributesJson } from './s3-reference.js';
import { crc32 as zlibCrc32 } from 'node:zlib';

const dir = mkdtempSync(join(tmpdir(), 'treehash-s3v-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const data = randomBytes(21 * MIB + 12345, 77); // 3 parts of 8 MiB: 8, 8, 5 MiB + 12345
const path = join(dir, 'object.bin');
writeFileSync(path, data);

/** get-object-attributes as `aws s3api` prints it for a multipart upload with SHA-256 checksums. */
const attributesJson = getObjectAttributesJson;

describe('S3 attributes', () => {
  it('a copy that matches get-object-attributes passes every check', async () => {
    const json = await attributesJson(data, 8 * MIB);
    const result = await verifyFileForS3(path, parseS3ObjectAttributes(json));
    expect(result.ok).toBe(true);
    expect(result.partSize).toBe(8 * MIB);
    expect(result.partSizeFrom).toBe('attributes');
    expect(result.checked).toEqual(expect.arrayContaining(['ObjectSize', 'ETag', 'ChecksumSHA256', 'part 1 ChecksumSHA256', 'part 3 Size']));
    expect(result.mismatches).toEqual([]);
  });

  it("a damaged byte is named by its part and that part's byte range", async () => {
    const json = await attributesJson(data, 8 * MIB);
    const damaged = data.slice();
    damaged[8 * MIB + 5] ^= 1; // in part 2
    const computed = hashForS3(damaged, { partSize: 8 * MIB });
    const result = verifyS3ObjectAttributes(parseS3ObjectAttributes(json), computed);
    expect(result.ok).toBe(false);
    const part = result.mismatches.find((m) => m.partNumber !== undefined)!;
    expect(part).toMatchObject({ field: 'ChecksumSHA256', partNumber: 2, range: { start: 8 * MIB, end: 16 * MIB - 1 } });
    expect(part.message).toContain('part 2 (bytes 8388608-16777215');
    expect(result.mismatches.map((m) => m.field).sort()).toEqual(['ChecksumSHA256', 'ChecksumSHA256', 'ETag']);
  });

  it('head-object output (quoted ETag, -N on the checksum): the part size is found by search', async () => {
    const want = await expectedS3(data, 8 * MIB);
    const head = {
      AcceptRanges: 'bytes',
      ContentLength: data.length,
      ETag: `"${want.etag}"`,
      ChecksumSHA256: want.sha256Composite,
      ChecksumType: 'COMPOSITE',
      ContentType: 'binary/octet-stream',
    };
    const attributes = parseS3ObjectAttributes(head);
    expect(attributes).toMatchObject({ etag: want.etag, etagPartCount: 3, partCount: 3, objectSize: data.length });
    const result = await verifyFileForS3(path, attributes);
    expect(result.partSizeFrom).toBe('search');
    expect(result.partSize).toBe(8 * MIB);
    expect(result.ok).toBe(true);
  });

  it('CRC-64/NVME full object with per-part CRCs; a composite CRC-32; a single PUT with a plain MD5 ETag', async () => {
    const want = await expectedS3(data, 8 * MIB);
    const crcJson = {
      ETag: want.etag,
      Checksum: { ChecksumCRC64NVME: want.crc64nvme, ChecksumType: 'FULL_OBJECT' },
      ObjectParts: { TotalPartsCount: 3, Parts: want.partCrc64s.map((crc, i) => ({ PartNumber: i + 1, Size: want.partSizes[i], ChecksumCRC64NVME: crc })) },
      ObjectSize: data.length,
    };
    expect((await verifyFileForS3(path, parseS3ObjectAttributes(crcJson))).ok).toBe(true);
    const composite = `${be32(zlibCrc32(Buffer.concat(want.partCrc32s.map(be32)))).toString('base64')}`;
    const crc32Json = {
      ETag: want.etag,
      Checksum: { ChecksumCRC32: composite, ChecksumType: 'COMPOSITE' },
      ObjectParts: {
        TotalPartsCount: 3,
        Parts: want.partCrc32s.map((crc, i) => ({ PartNumber: i + 1, Size: want.partSizes[i], ChecksumCRC32: be32(crc).toString('base64') })),
      },
      ObjectSize: data.length,
    };
    expect((await verifyFileForS3(path, parseS3ObjectAttributes(crc32Json))).ok).toBe(true);
    const single = {
      ETag: `"${want.md5}"`,
      Checksum: { ChecksumSHA256: Buffer.from(want.sha256, 'hex').toString('base64'), ChecksumType: 'FULL_OBJECT' },
      ObjectSize: data.length,
    };
    const result = await verifyFileForS3(path, parseS3ObjectAttributes(single));
    expect(result.partSizeFrom).toBe('not multipart');
    expect(result.checked).toEqual(['ObjectSize', 'ETag', 'ChecksumSHA256']);
    expect(result.ok).toBe(true);
    const wrong = await verifyFileForS3(path, parseS3ObjectAttributes({ ...single, ObjectSize: data.length + 1 }));
    expect(wrong.mismatches.map((m) => m.field)).toEqual(['ObjectSize']);
  });

  it('a truncated part listing checks the parts it lists and says so', async () => {
    const json = await attributesJson(data, 8 * MIB);
    json.ObjectParts.IsTruncated = true;
    json.ObjectParts.Parts = json.ObjectParts.Parts.slice(0, 1);
    const result = await verifyFileForS3(path, parseS3ObjectAttributes(json));
    expect(result.ok).toBe(true);
    expect(result.skipped.join()).toContain('truncated');
  });

  it('refuses what is not S3 attributes', () => {
    for (const bad of [
      null,
      [],
      'x',
      {},
      { ETag: 5 },
      { ObjectSize: -1 },
      { Checksum: { ChecksumSHA256: 7 } },
      { ObjectParts: { Parts: [{}] } },
      { ETag: 'a', ChecksumType: 'PARTIAL' },
    ]) {
      expect(codeOfSync(() => parseS3ObjectAttributes(bad))).toBe('ERR_INVALID_ATTRIBUTES');
    }
  });
});

describe('identify', () => {
  const small = data.subarray(0, 100);
  const smallPath = join(dir, 'small.bin');
  writeFileSync(smallPath, small);

  it('names each kind of value for the same file (33 MiB-class object, 3 parts of 8 MiB)', async () => {
    const want = await expectedS3(data, 8 * MIB);
    const cases: [string, string, number?][] = [
      [want.treeHash, 'tree-hash'],
      [want.sha256, 'sha256'],
      [Buffer.from(want.sha256, 'hex').toString('base64'), 'sha256'],
      [want.md5, 'md5'],
      [`"${want.etag}"`, 'etag', 8 * MIB],
      [want.sha256Composite, 'sha256-composite', 8 * MIB],
      [want.crc64nvme, 'crc64nvme'],
      [want.crc32, 'crc32'],
      [want.crc32c, 'crc32c'],
    ];
    for (const [value, kind, partSize] of cases) {
      const result = await identifyFile(value, path);
      expect(result.match?.kind, value).toBe(kind);
      expect(result.match?.partSize).toBe(partSize);
    }
  });

  it('finds any whole-MiB part size consistent with -N, and lists what it tried when nothing matches', async () => {
    const seventeen = (await expectedS3(data, 17 * MIB)).etag; // 2 parts: 17 MiB is no conventional size
    expect((await identifyFile(seventeen, path)).match).toMatchObject({ kind: 'etag', partSize: 17 * MIB });
    const nothing = await identifyFile(`${'0'.repeat(32)}-2`, path);
    expect(nothing.match).toBeUndefined();
    // 21 MiB + 12345 bytes in 2 parts: part sizes from 11 MiB to 21 MiB... and the conventional 15 and 16 MiB first.
    expect(nothing.tried[0]).toContain('15 MiB');
    expect(nothing.tried.length).toBe(11);
    const none = await identifyFile('not-a-checksum', path);
    expect(none.match).toBeUndefined();
    expect(none.unrecognized).toContain('not a checksum');
  });

  it('a file of at most 1 MiB: its tree hash is its SHA-256, and both are said', async () => {
    const sha = createHash('sha256').update(small).digest('hex');
    const result = await identifyFile(sha, smallPath);
    expect(result.match).toMatchObject({ kind: 'sha256', alsoMatches: ['tree-hash'] });
    const one = hashForS3(small, { partSize: 16 * MIB });
    expect((await identifyFile(one.etag, smallPath)).match).toMatchObject({ kind: 'etag', partSize: 8 * MIB });
  });

  it('candidates follow the shape of the value', () => {
    expect(identifyCandidates('ab'.repeat(32), 10)!.map((c) => c.kind)).toEqual(['sha256', 'tree-hash']);
    expect(identifyCandidates('AAAAAA==', 10)!.map((c) => c.kind)).toEqual(['crc32', 'crc32c']);
    expect(identifyCandidates('AAAAAAAAAAA=', 10)!.map((c) => c.kind)).toEqual(['crc64nvme']);
    expect(identifyCandidates('ab'.repeat(16), 10)!.map((c) => c.kind)).toEqual(['md5']);
    expect(identifyCandidates('deadbeef', 10)!.map((c) => c.kind)).toEqual(['crc32', 'crc32c']);
    expect(identifyCandidates('xyz', 10)).toBeUndefined();
    expect(identifyCandidates(`${'ab'.repeat(16)}-10001`, 10)).toBeUndefined();
    const identifier = createChecksumIdentifier(toHex(new Uint8Array(16)), 5);
    expect(codeOfSync(() => identifier.update('abc').finish())).toBe('ERR_SIZE_MISMATCH');
  });
});
