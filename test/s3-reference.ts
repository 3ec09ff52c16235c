// What S3 would report for some bytes, computed here from the definitions with independent code:
// node:crypto's SHA-256 and MD5 per part, @aws-sdk/crc64-nvme, zlib's crc32, @aws-crypto/crc32c,
// and the naive tree of reference.ts. Shared by the S3 test files.
import { crc32c as awsCrc32c } from '@aws-crypto/crc32c';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';
import { createHash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { expect } from 'vitest';
import { toHex } from '../src/index.js';
import type { S3Checksums } from '../src/s3/index.js';
import { referenceLeafDigests, referenceRoot } from './reference.js';

export function be32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
}

function be64(value: bigint): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(value);
  return out;
}

export async function awsCrc64Base64(bytes: Uint8Array): Promise<string> {
  const hash = new Crc64Nvme();
  hash.update(bytes);
  return Buffer.from(await hash.digest()).toString('base64');
}

/** What S3 would report, from the definitions, with node:crypto. */
export async function expectedS3(bytes: Uint8Array, partSize: number) {
  const count = Math.max(1, Math.ceil(bytes.length / partSize));
  const parts = Array.from({ length: count }, (_, i) => bytes.subarray(i * partSize, Math.min((i + 1) * partSize, bytes.length)));
  const shas = parts.map((part) => createHash('sha256').update(part).digest());
  const md5s = parts.map((part) => createHash('md5').update(part).digest());
  return {
    partCount: count,
    sha256Composite: `${createHash('sha256').update(Buffer.concat(shas)).digest('base64')}-${count}`,
    etag: `${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${count}`,
    crc64nvme: await awsCrc64Base64(bytes),
    crc32: be32(zlibCrc32(bytes)).toString('base64'),
    crc32c: be32(awsCrc32c(bytes)).toString('base64'),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    md5: createHash('md5').update(bytes).digest('hex'),
    treeHash: toHex(referenceRoot(referenceLeafDigests(bytes))),
    partShas: shas.map((sha) => sha.toString('base64')),
    partMd5s: md5s.map((md5) => md5.toString('hex')),
    partCrc32s: parts.map((part) => zlibCrc32(part) >>> 0),
    partCrc64s: await Promise.all(parts.map((part) => awsCrc64Base64(part))),
    partSizes: parts.map((part) => part.length),
  };
}

/**
 * Asserts that `got` holds what S3 would report for `bytes` in parts of `partSize`: every value,
 * each part's SHA-256, MD5, size and CRC-64/NVME, and the CRC-32s and whole MD5 when computed.
 */
export async function expectS3Values(got: S3Checksums, bytes: Uint8Array, partSize: number): Promise<void> {
  const want = await expectedS3(bytes, partSize);
  expect(got.size).toBe(bytes.length);
  expect(got.partSize).toBe(partSize);
  expect(got.partCount).toBe(want.partCount);
  expect(got.sha256Composite).toBe(want.sha256Composite);
  expect(got.etag).toBe(want.etag);
  expect(got.crc64nvme).toBe(want.crc64nvme);
  expect(toHex(got.treeHash!)).toBe(want.treeHash);
  expect(toHex(got.sha256!)).toBe(want.sha256);
  expect(got.parts.map((part) => Buffer.from(part.sha256).toString('base64'))).toEqual(want.partShas);
  expect(got.parts.map((part) => toHex(part.md5))).toEqual(want.partMd5s);
  expect(got.parts.map((part) => part.size)).toEqual(want.partSizes);
  expect(got.parts.map((part) => be64(part.crc64nvme).toString('base64'))).toEqual(want.partCrc64s);
  if (got.crc32 !== undefined) {
    expect(got.crc32).toBe(want.crc32);
    expect(got.parts.map((part) => part.crc32)).toEqual(want.partCrc32s);
  }
  if (got.crc32c !== undefined) expect(got.crc32c).toBe(want.crc32c);
  if (got.md5 !== undefined) expect(toHex(got.md5)).toBe(want.md5);
}

/** What `aws s3api get-object-attributes --object-attributes ETag Checksum ObjectParts ObjectSize` prints for these bytes uploaded in parts of `partSize` with SHA-256 checksums. */
export async function getObjectAttributesJson(bytes: Uint8Array, partSize: number) {
  const want = await expectedS3(bytes, partSize);
  return {
    LastModified: '2025-01-01T00:00:00+00:00',
    ETag: want.etag,
    Checksum: { ChecksumSHA256: want.sha256Composite.replace(/-\d+$/, ''), ChecksumType: 'COMPOSITE' },
    ObjectParts: {
      TotalPartsCount: want.partCount,
      PartNumberMarker: 0,
      NextPartNumberMarker: want.partCount,
      MaxParts: 1000,
      IsTruncated: false,
      Parts: want.partShas.map((sha, i) => ({ PartNumber: i + 1, Size: want.partSizes[i], ChecksumSHA256: sha })),
    },
    ObjectSize: bytes.length,
  };
}
