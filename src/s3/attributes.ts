// What S3 prints about an object, read from the JSON of `aws s3api get-object-attributes
// --object-attributes ETag Checksum ObjectParts ObjectSize` or of `aws s3api head-object
// --checksum-mode ENABLED`, and checked against values computed locally (checksums.ts). A mismatch
// names the value and, for a part, its number and byte range.
//
// get-object-attributes: {"ETag": "hex-N" (no quotes), "Checksum": {"ChecksumSHA256": "…",
// "ChecksumType": "COMPOSITE" | "FULL_OBJECT"}, "ObjectParts": {"TotalPartsCount": N,
// "PartNumberMarker", "NextPartNumberMarker", "MaxParts", "IsTruncated", "Parts": [{"PartNumber",
// "Size", "ChecksumSHA256" | "ChecksumCRC64NVME" | …}]}, "ObjectSize": bytes}. S3 lists Parts only
// for objects uploaded with an additional checksum, at most MaxParts (1,000) at a time.
// head-object: {"ContentLength", "ETag": "\"hex-N\"", "ChecksumSHA256": "…-N", "ChecksumType",
// "PartsCount" (with --part-number)}.
import { TreeHashError, describeValue } from '../core/errors.js';
import { formatBytes } from '../core/format.js';
import { toHex } from '../core/hex.js';
import { toBase64 } from './base64.js';
import type { S3Checksums, S3PartChecksums } from './checksums.js';
import { compositeCrc } from './checksums.js';
import { formatS3Crc } from './crc.js';

/** The checksum algorithms S3 stores (SHA-1 is read, and reported as not checked). */
export type S3ChecksumAlgorithm = 'crc64nvme' | 'crc32' | 'crc32c' | 'sha256' | 'sha1';

const FIELDS: Record<string, S3ChecksumAlgorithm> = {
  ChecksumCRC64NVME: 'crc64nvme',
  ChecksumCRC32: 'crc32',
  ChecksumCRC32C: 'crc32c',
  ChecksumSHA256: 'sha256',
  ChecksumSHA1: 'sha1',
};
const FIELD_OF = Object.fromEntries(Object.entries(FIELDS).map(([field, algorithm]) => [algorithm, field])) as Record<S3ChecksumAlgorithm, string>;

/** One checksum as S3 printed it: the value without its `-N`, and N when there was one. */
export interface S3ChecksumText {
  readonly algorithm: S3ChecksumAlgorithm;
  readonly value: string;
  readonly partCount?: number;
}

/** What the JSON says about the object, normalized. */
export interface S3ObjectAttributes {
  readonly objectSize?: number;
  /** The ETag without quotes; `etagPartCount` is its `-N`. */
  readonly etag?: string;
  readonly etagPartCount?: number;
  readonly checksums: readonly S3ChecksumText[];
  /** `ChecksumType`: COMPOSITE (part checksums combined) or FULL_OBJECT. */
  readonly checksumType?: 'COMPOSITE' | 'FULL_OBJECT';
  /** Parts in the upload (TotalPartsCount, PartsCount, or a `-N`). */
  readonly partCount?: number;
  /** The parts S3 listed (possibly only some: `partsTruncated`). */
  readonly parts: readonly { readonly partNumber: number; readonly size?: number; readonly checksums: readonly S3ChecksumText[] }[];
  readonly partsTruncated: boolean;
}

const DASH_N = /^(.*)-([1-9]\d{0,4})$/;

function bad(why: string): never {
  throw new TreeHashError('ERR_INVALID_ATTRIBUTES', `not S3 object attributes: ${why}`);
}

function count(value: unknown, what: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (!Number.isSafeInteger(n) || (n as number) < 0) bad(`${what} must be a non-negative integer, got ${describeValue(value)}`);
  return n as number;
}

function checksumsOf(record: Record<string, unknown>, where: string): S3ChecksumText[] {
  const out: S3ChecksumText[] = [];
  for (const [field, algorithm] of Object.entries(FIELDS)) {
    const text = record[field];
    if (text === undefined || text === null) continue;
    if (typeof text !== 'string' || text.length === 0) bad(`${where}${field} must be a string, got ${describeValue(text)}`);
    const dash = DASH_N.exec(text);
    out.push(dash ? { algorithm, value: dash[1]!, partCount: Number(dash[2]) } : { algorithm, value: text });
  }
  return out;
}

/**
 * Reads the JSON object printed by `get-object-attributes` or `head-object` (either; the
 * `aws s3api` output as it is, parsed).
 * @throws {TreeHashError} `ERR_INVALID_ATTRIBUTES` for anything that is not such an object or holds nothing to check.
 */
export function parseS3ObjectAttributes(json: unknown): S3ObjectAttributes {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) bad(`expected a JSON object, got ${describeValue(json)}`);
  const record = json as Record<string, unknown>;
  const objectSize = count(record.ObjectSize ?? record.ContentLength, 'ObjectSize');
  let etag: string | undefined;
  let etagPartCount: number | undefined;
  if (record.ETag !== undefined) {
    if (typeof record.ETag !== 'string') bad(`ETag must be a string, got ${describeValue(record.ETag)}`);
    etag = record.ETag.replace(/^"(.*)"$/, '$1').toLowerCase();
    const dash = DASH_N.exec(etag);
    if (dash) etagPartCount = Number(dash[2]);
  }
  const checksumRecord = record.Checksum !== undefined ? record.Checksum : record;
  if (checksumRecord === null || typeof checksumRecord !== 'object') bad(`Checksum must be an object, got ${describeValue(checksumRecord)}`);
  const checksums = checksumsOf(checksumRecord as Record<string, unknown>, record.Checksum !== undefined ? 'Checksum.' : '');
  const type = (checksumRecord as Record<string, unknown>).ChecksumType ?? record.ChecksumType;
  if (type !== undefined && type !== 'COMPOSITE' && type !== 'FULL_OBJECT') bad(`ChecksumType must be COMPOSITE or FULL_OBJECT, got ${describeValue(type)}`);
  const objectParts = record.ObjectParts;
  let partCount = count(record.PartsCount, 'PartsCount');
  const parts: { partNumber: number; size?: number; checksums: S3ChecksumText[] }[] = [];
  let partsTruncated = false;
  if (objectParts !== undefined && objectParts !== null) {
    if (typeof objectParts !== 'object') bad(`ObjectParts must be an object, got ${describeValue(objectParts)}`);
    const op = objectParts as Record<string, unknown>;
    partCount = count(op.TotalPartsCount ?? op.PartsCount, 'ObjectParts.TotalPartsCount') ?? partCount;
    partsTruncated = op.IsTruncated === true;
    if (op.Parts !== undefined) {
      if (!Array.isArray(op.Parts)) bad(`ObjectParts.Parts must be an array, got ${describeValue(op.Parts)}`);
      op.Parts.forEach((part: unknown, i: number) => {
        if (part === null || typeof part !== 'object') bad(`ObjectParts.Parts[${i}] must be an object`);
        const p = part as Record<string, unknown>;
        const partNumber = count(p.PartNumber, `ObjectParts.Parts[${i}].PartNumber`);
        if (partNumber === undefined || partNumber < 1) bad(`ObjectParts.Parts[${i}] has no PartNumber`);
        const size = count(p.Size, `ObjectParts.Parts[${i}].Size`);
        parts.push({ partNumber, ...(size === undefined ? {} : { size }), checksums: checksumsOf(p, `ObjectParts.Parts[${i}].`) });
      });
    }
  }
  partCount ??= etagPartCount ?? checksums.find((c) => c.partCount !== undefined)?.partCount;
  if (objectSize === undefined && etag === undefined && checksums.length === 0 && parts.length === 0) {
    bad('it has none of ObjectSize/ContentLength, ETag, Checksum* or ObjectParts');
  }
  return {
    ...(objectSize === undefined ? {} : { objectSize }),
    ...(etag === undefined ? {} : { etag }),
    ...(etagPartCount === undefined ? {} : { etagPartCount }),
    checksums,
    ...(type === undefined ? {} : { checksumType: type as 'COMPOSITE' | 'FULL_OBJECT' }),
    ...(partCount === undefined ? {} : { partCount }),
    parts,
    partsTruncated,
  };
}

/** Whether the object was a multipart upload (so its checksums are per part, its ETag `-N`). */
export function isMultipart(attributes: S3ObjectAttributes): boolean {
  return attributes.partCount !== undefined || attributes.parts.length > 0 || attributes.checksumType === 'COMPOSITE';
}

/**
 * The upload's part size as far as the attributes tell: the Size of a listed part that is not the
 * last, or for a single part any size holding it. Undefined when the attributes do not say (a
 * multipart object without listed parts: search the part size with identify).
 */
export function partSizeFromAttributes(attributes: S3ObjectAttributes): number | undefined {
  const total = attributes.partCount;
  const full = attributes.parts.find((part) => part.size !== undefined && total !== undefined && part.partNumber < total);
  if (full) return full.size;
  if (total === 1 && attributes.parts[0]?.size !== undefined) return attributes.parts[0].size;
  return undefined;
}

/** One value that differs. `partNumber` and `range` (inclusive bytes) for a part's value. */
export interface S3Mismatch {
  readonly field: string;
  readonly expected: string;
  readonly actual: string;
  readonly partNumber?: number;
  readonly range?: { readonly start: number; readonly end: number };
  readonly message: string;
}

/** The outcome of {@link verifyS3ObjectAttributes}. */
export interface S3Verification {
  readonly ok: boolean;
  /** What was compared (e.g. `ETag`, `ChecksumSHA256`, `part 3 ChecksumSHA256`). */
  readonly checked: readonly string[];
  readonly mismatches: readonly S3Mismatch[];
  /** What could not be checked, and why. */
  readonly skipped: readonly string[];
}

function partValue(part: S3PartChecksums, algorithm: S3ChecksumAlgorithm): string | undefined {
  if (algorithm === 'sha256') return toBase64(part.sha256);
  if (algorithm === 'sha1') return undefined;
  const value = part[algorithm];
  return value === undefined ? undefined : formatS3Crc(algorithm, value as never);
}

function stripCount(text: string): string {
  return text.replace(DASH_N, '$1');
}

/**
 * Compares what S3 printed with what was computed from the local copy (hashed with the upload's
 * part size, and the CRCs the attributes name). Every value present is compared: size, ETag, the
 * object's checksum (composite or full-object, with its part count), and each listed part's size
 * and checksums.
 */
export function verifyS3ObjectAttributes(attributes: S3ObjectAttributes, computed: S3Checksums): S3Verification {
  const checked: string[] = [];
  const skipped: string[] = [];
  const mismatches: S3Mismatch[] = [];
  const compare = (field: string, expected: string, actual: string | undefined, part?: S3PartChecksums): void => {
    if (actual === undefined) {
      skipped.push(`${field}: not computed`);
      return;
    }
    checked.push(part ? `part ${part.partNumber} ${field}` : field);
    if (expected === actual) return;
    const where = part ? `part ${part.partNumber} (bytes ${part.start}-${part.end}, ${formatBytes(part.size)})` : 'the object';
    mismatches.push({
      field,
      expected,
      actual,
      ...(part ? { partNumber: part.partNumber, range: { start: part.start, end: part.end } } : {}),
      message: `${where}: ${field} is ${expected} in S3, ${actual} here`,
    });
  };
  const multipart = isMultipart(attributes);
  if (attributes.objectSize !== undefined) compare('ObjectSize', String(attributes.objectSize), String(computed.size));
  if (attributes.partCount !== undefined) compare('PartsCount', String(attributes.partCount), String(computed.partCount));
  if (attributes.etag !== undefined) {
    const local = attributes.etagPartCount !== undefined ? computed.etag : computed.md5 ? toHex(computed.md5) : undefined;
    compare('ETag', attributes.etag, local);
  }
  for (const checksum of attributes.checksums) {
    const field = FIELD_OF[checksum.algorithm];
    const composite = checksum.algorithm !== 'crc64nvme' && (attributes.checksumType === 'COMPOSITE' || (attributes.checksumType === undefined && multipart));
    let local: string | undefined;
    if (checksum.algorithm === 'sha1') skipped.push(`${field}: SHA-1 is not computed by this tool`);
    else if (checksum.algorithm === 'sha256') local = composite ? stripCount(computed.sha256Composite) : computed.sha256 && toBase64(computed.sha256);
    else if (!composite) local = computed[checksum.algorithm];
    else {
      const crcs = computed.parts.map((part) => part[checksum.algorithm as 'crc32' | 'crc32c']);
      local = crcs.every((crc) => crc !== undefined) ? stripCount(compositeCrc(checksum.algorithm as 'crc32', crcs as number[])) : undefined;
    }
    if (checksum.algorithm !== 'sha1') compare(field, checksum.value, local);
    if (checksum.partCount !== undefined) compare(`${field} part count`, String(checksum.partCount), String(computed.partCount));
  }
  for (const listed of attributes.parts) {
    const part = computed.parts[listed.partNumber - 1];
    if (part === undefined) {
      mismatches.push({
        field: 'PartNumber',
        expected: String(listed.partNumber),
        actual: `${computed.partCount} parts`,
        partNumber: listed.partNumber,
        message: `part ${listed.partNumber} is listed in S3, but the local copy has ${computed.partCount} parts of ${formatBytes(computed.partSize)}`,
      });
      continue;
    }
    if (listed.size !== undefined) compare('Size', String(listed.size), String(part.size), part);
    for (const checksum of listed.checksums) {
      if (checksum.algorithm === 'sha1') skipped.push(`part ${listed.partNumber} ChecksumSHA1: SHA-1 is not computed by this tool`);
      else compare(FIELD_OF[checksum.algorithm], checksum.value, partValue(part, checksum.algorithm), part);
    }
  }
  if (attributes.partsTruncated)
    skipped.push(`parts after the ${attributes.parts.length} listed (the listing is truncated: ask S3 for the rest with --part-number-marker)`);
  return { ok: mismatches.length === 0, checked, mismatches, skipped };
}
