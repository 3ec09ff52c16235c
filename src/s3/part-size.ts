// S3's multipart rules (not Glacier's): a part is 5 MiB to 5 GiB, any size (not only powers of
// two), at most 10,000 parts, every part but the last exactly the part size, the last shorter (it
// may be below 5 MiB). The composite checksum and the ETag of a multipart object depend on the part
// size, so it must be the one the upload used: the presets are the sizes tools actually used.
import { MiB } from '../core/constants.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { formatBytes } from '../core/format.js';

const GiB = 1024 * MiB;

/** S3's smallest part (all but the last): 5 MiB. */
export const S3_MIN_PART_SIZE = 5 * MiB;
/** S3's largest part: 5 GiB. */
export const S3_MAX_PART_SIZE = 5 * GiB;
/** At most 10,000 parts per multipart upload. */
export const S3_MAX_PARTS = 10_000;

/**
 * Named part sizes:
 * - `'aws-cli'`, `'boto3'`: 8 MiB (`multipart_chunksize` of the AWS CLI and boto3's TransferConfig).
 * - `'s3cmd'`: 15 MiB (`multipart_chunk_size_mb`).
 * - `'glacier-vaults-to-s3'`: AWS's own vault-to-S3 migration solution ("Data Transfer from Amazon
 *   S3 Glacier Vaults to Amazon S3", the successor of Amazon S3 Glacier Re:Freezer): its size
 *   depends on the archive's, see {@link glacierVaultsToS3PartSize}.
 * - `'refreezer-v1'`: 4 GiB, the chunk of Re:Freezer 1.x (archives above 4 GiB; smaller ones were
 *   a single PUT, whose ETag is a plain MD5).
 */
export type S3PartSizePreset = 'aws-cli' | 'boto3' | 's3cmd' | 'glacier-vaults-to-s3' | 'refreezer-v1';

/** The fixed-size presets; `'glacier-vaults-to-s3'` depends on the object size. */
export const S3_PART_SIZE_PRESETS: Readonly<Record<Exclude<S3PartSizePreset, 'glacier-vaults-to-s3'>, number>> = Object.freeze({
  'aws-cli': 8 * MiB,
  boto3: 8 * MiB,
  s3cmd: 15 * MiB,
  'refreezer-v1': 4 * GiB,
});

/** Every preset name. */
export const S3_PART_SIZE_PRESET_NAMES: readonly S3PartSizePreset[] = Object.freeze(['aws-cli', 'boto3', 's3cmd', 'glacier-vaults-to-s3', 'refreezer-v1']);

function checkObjectSize(value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new TreeHashError('ERR_INVALID_SIZE', `an object size must be a non-negative safe integer number of bytes, got ${describeValue(value)}`);
  }
  return value as number;
}

/**
 * The part size of AWS's Glacier-vault-to-S3 migration solution for an archive of `objectSize`
 * bytes. Its source (aws-solutions/data-transfer-from-amazon-s3-glacier-vaults-to-amazon-s3,
 * `chunking/chunk_generator.py`, `calculate_chunk_size`) starts at 1 GiB and doubles while the
 * chunk is below `objectSize // 10000 + 1`; each chunk is one S3 part (`upload_part` with
 * `ChecksumSHA256`), so the object's checksum is a composite SHA-256, `-1` for one chunk. So: 1 GiB
 * for every archive below 10,000 GiB, 2 GiB below 20,000 GiB, and so on.
 * @throws {TreeHashError} `ERR_INVALID_SIZE` for a size that is not a non-negative safe integer.
 * @example glacierVaultsToS3PartSize(40 * 1024 ** 3) // 1073741824
 */
export function glacierVaultsToS3PartSize(objectSize: number): number {
  const size = checkObjectSize(objectSize);
  const least = Math.floor(size / 10_000) + 1;
  let chunk = GiB;
  while (chunk < least) chunk *= 2;
  return chunk;
}

/** Whether `partSize` is an S3 part size: an integer from 5 MiB to 5 GiB. Never throws. */
export function isValidS3PartSize(partSize: unknown): partSize is number {
  return Number.isSafeInteger(partSize) && (partSize as number) >= S3_MIN_PART_SIZE && (partSize as number) <= S3_MAX_PART_SIZE;
}

/**
 * Throws unless `partSize` is an S3 part size.
 * @throws {TreeHashError} `ERR_INVALID_PART_SIZE`.
 */
export function assertValidS3PartSize(partSize: unknown): asserts partSize is number {
  if (!isValidS3PartSize(partSize)) {
    const shown = typeof partSize === 'number' && Number.isSafeInteger(partSize) && partSize >= 0 ? formatBytes(partSize) : describeValue(partSize);
    throw new TreeHashError(
      'ERR_INVALID_PART_SIZE',
      `an S3 part size is a whole number of bytes from 5 MiB to 5 GiB (the last part may be shorter); got ${shown}`,
    );
  }
}

/**
 * A part size from a number or a preset name; `'glacier-vaults-to-s3'` needs the object size.
 * @throws {TreeHashError} `ERR_INVALID_PART_SIZE` (an unknown name or a size outside 5 MiB..5 GiB),
 *   `ERR_INVALID_OPTION` (the size-dependent preset without `objectSize`), `ERR_INVALID_SIZE`.
 * @example resolveS3PartSize('s3cmd') // 15728640
 */
export function resolveS3PartSize(partSize: number | S3PartSizePreset, objectSize?: number): number {
  if (typeof partSize === 'string') {
    if (partSize === 'glacier-vaults-to-s3') {
      if (objectSize === undefined) {
        throw new TreeHashError('ERR_INVALID_OPTION', "the part size 'glacier-vaults-to-s3' depends on the object's size: give the size too");
      }
      const size = glacierVaultsToS3PartSize(objectSize);
      assertValidS3PartSize(size);
      return size;
    }
    const preset = (S3_PART_SIZE_PRESETS as Record<string, number>)[partSize];
    if (preset === undefined || !Object.hasOwn(S3_PART_SIZE_PRESETS, partSize)) {
      throw new TreeHashError('ERR_INVALID_PART_SIZE', `unknown part size preset ${describeValue(partSize)}; known: ${S3_PART_SIZE_PRESET_NAMES.join(', ')}`);
    }
    return preset;
  }
  assertValidS3PartSize(partSize);
  return partSize;
}

/**
 * How many parts an object of `objectSize` bytes has in parts of `partSize`: ceil(size / partSize),
 * and 1 for an empty object (one empty part).
 * @throws {TreeHashError} `ERR_INVALID_SIZE`, `ERR_INVALID_PART_SIZE`, `ERR_TOO_MANY_PARTS` (over 10,000).
 * @example s3PartCount(33 * 1024 ** 2, 8 * 1024 ** 2) // 5
 */
export function s3PartCount(objectSize: number, partSize: number): number {
  const size = checkObjectSize(objectSize);
  assertValidS3PartSize(partSize);
  const count = Math.max(1, Math.ceil(size / partSize));
  if (count > S3_MAX_PARTS) {
    const least = Math.ceil(size / S3_MAX_PARTS);
    throw new TreeHashError(
      'ERR_TOO_MANY_PARTS',
      `${formatBytes(size)} in parts of ${formatBytes(partSize)} needs ${count} parts; S3 allows at most ${S3_MAX_PARTS}, so the part size must be at least ${formatBytes(least)}`,
    );
  }
  return count;
}

/** One part of an S3 multipart upload: `partNumber` from 1, bytes `start`..`end` inclusive. */
export interface S3PartRange {
  readonly partNumber: number;
  readonly start: number;
  /** Inclusive; `start - 1` for the one empty part of an empty object. */
  readonly end: number;
  readonly size: number;
}

/**
 * The byte range of part `partNumber` (from 1) of an object of `objectSize` bytes.
 * @example s3PartRange(3, 33 * 1024 ** 2, 16 * 1024 ** 2) // { partNumber: 3, start: 33554432, end: 34603007, size: 1048576 }
 */
export function s3PartRange(partNumber: number, objectSize: number, partSize: number): S3PartRange {
  const start = (partNumber - 1) * partSize;
  const size = Math.max(0, Math.min(partSize, objectSize - start));
  return { partNumber, start, end: start + size - 1, size };
}

/**
 * Every whole-MiB part size from 5 MiB to 5 GiB that cuts `objectSize` bytes into exactly
 * `partCount` parts, smallest first (for one part: only the smallest, since every larger size
 * cuts the same way).
 * @example candidateS3PartSizes(33 * 1024 ** 2, 3).map((s) => s / 1024 ** 2) // [11, 12, 13, 14, 15, 16]
 */
export function candidateS3PartSizes(objectSize: number, partCount: number): number[] {
  const size = checkObjectSize(objectSize);
  if (!Number.isSafeInteger(partCount) || partCount < 1 || partCount > S3_MAX_PARTS) return [];
  const out: number[] = [];
  // Part size p (a multiple of 1 MiB) gives partCount parts when (partCount - 1) * p < size <= partCount * p.
  const smallest = Math.max(S3_MIN_PART_SIZE, Math.ceil(size / partCount / MiB) * MiB);
  for (let p = smallest; p <= S3_MAX_PART_SIZE; p += MiB) {
    if (Math.max(1, Math.ceil(size / p)) !== partCount) break;
    out.push(p);
    if (partCount === 1) break;
  }
  return out;
}
