/**
 * Multipart upload planning and part validation: pure arithmetic, no I/O, no hashing (`parseSize`,
 * which reads sizes written for humans, is in src/core/format.ts).
 *
 * Rules (Amazon S3 Glacier developer guide, "Uploading Large Archives in Parts" —
 * https://docs.aws.amazon.com/amazonglacier/latest/dev/uploading-archive-mpu.html — and the API pages
 * api-multipart-initiate-upload, api-upload-part):
 * - the part size is 1 MiB × 2^k, from 1 MiB to 4 GiB (13 values);
 * - an upload has at most 10,000 parts, so an archive is 1 byte to 10,000 × 4 GiB;
 * - every part but the last has exactly the part size; the last may be shorter (even < 1 MiB);
 * - `Content-Range: bytes START-END/*`, END inclusive, START a multiple of the part size.
 *
 * Sizes here can exceed 2^32, so all arithmetic is on plain numbers (exact to 2^53), never `| 0`.
 */
import { MAX_ARCHIVE_SIZE, MiB } from '../core/constants.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { optionsObject } from '../core/options.js';
import { formatBytes, isSizeNumber } from '../core/format.js';
import { type ByteRange, readRangeText } from '../core/byte-range.js';

/** At most 10,000 parts per multipart upload (api-upload-part; uploading-archive-mpu "Quick Facts"). */
export const MAX_PARTS = 10_000;

/** Smallest part size: 1 MiB (api-multipart-initiate-upload, `x-amz-part-size`). */
export const MIN_PART_SIZE = MiB;

/** Largest part size: 4 GiB = 4,096 MiB (api-multipart-initiate-upload, `x-amz-part-size`). */
export const MAX_PART_SIZE = 4096 * MiB;

/** Largest archive: {@link MAX_PARTS} × {@link MAX_PART_SIZE} (the constant lives in core: retrieval bounds archive sizes too). */
export { MAX_ARCHIVE_SIZE };

/**
 * Largest archive for a single UploadArchive request: 4 GiB ("from 1 byte to up to 4 GB",
 * https://docs.aws.amazon.com/amazonglacier/latest/dev/uploading-an-archive.html).
 */
export const MAX_SINGLE_UPLOAD_SIZE = 4096 * MiB;

/** The 13 valid part sizes, 1 MiB × 2^k for k = 0..12, ascending. */
export const VALID_PART_SIZES: readonly number[] = Object.freeze(Array.from({ length: 13 }, (_, k) => MiB * 2 ** k));

/**
 * One part of a multipart upload: a {@link ByteRange} (`end` inclusive, as in `Content-Range` and
 * ListParts' `RangeInBytes`) with its number, size (`end - start + 1`) and header value.
 */
export interface PlannedPart extends ByteRange {
  /** Zero-based part number: the part starts at `index × partSize`. */
  readonly index: number;
  /** Bytes in the part: the part size, except possibly for the last part. */
  readonly size: number;
  /** The `Content-Range` header value for UploadMultipartPart, e.g. `bytes 0-8388607/*`. */
  readonly contentRange: string;
}

/** The numbers for one multipart upload: InitiateMultipartUpload's part size and every part. */
export interface MultipartPlan {
  /** Total bytes: CompleteMultipartUpload's `x-amz-archive-size`. */
  readonly archiveSize: number;
  /** InitiateMultipartUpload's `x-amz-part-size`. */
  readonly partSize: number;
  /** The parts in order; `parts.length` is between 1 and {@link MAX_PARTS}. */
  readonly parts: readonly PlannedPart[];
}

/**
 * A parsed `Content-Range` value: a {@link ByteRange} (`end` inclusive) and `total`, the complete
 * length when the header gives one (`bytes 0-9/100`); absent for `/*`, the form Glacier uses.
 */
export interface ContentRange extends ByteRange {
  readonly total?: number;
}

const PART_SIZE_RULE = `a part size must be 1 MiB × 2^k, from 1 MiB to 4 GiB (${MIN_PART_SIZE} to ${MAX_PART_SIZE} bytes)`;

/**
 * Whether `partSize` is one of Glacier's 13 valid part sizes (1 MiB × 2^k, 1 MiB to 4 GiB).
 * Never throws.
 * @example isValidPartSize(8 * 1024 * 1024) // true
 * @example isValidPartSize(3 * 1024 * 1024) // false
 */
export function isValidPartSize(partSize: unknown): partSize is number {
  return typeof partSize === 'number' && VALID_PART_SIZES.includes(partSize);
}

/**
 * Throws unless `partSize` is a valid part size.
 * @throws {TreeHashError} `ERR_INVALID_PART_SIZE`.
 * @example assertValidPartSize(1048576) // ok
 */
export function assertValidPartSize(partSize: unknown): asserts partSize is number {
  if (!isValidPartSize(partSize)) {
    throw new TreeHashError(
      'ERR_INVALID_PART_SIZE',
      `invalid part size: ${PART_SIZE_RULE}; got ${isSizeNumber(partSize) ? formatBytes(partSize) : describeValue(partSize)}`,
    );
  }
}

/**
 * Checks an archive size for a multipart upload: a safe integer from 1 to {@link MAX_ARCHIVE_SIZE}.
 * @throws {TreeHashError} `ERR_INVALID_SIZE` (not a non-negative safe integer), `ERR_EMPTY_ARCHIVE` (0),
 *   `ERR_ARCHIVE_TOO_LARGE` (above 42,949,672,960,000 bytes).
 * @example assertValidArchiveSize(4608000) // ok
 */
export function assertValidArchiveSize(archiveSize: unknown): asserts archiveSize is number {
  if (!isSizeNumber(archiveSize)) {
    throw new TreeHashError('ERR_INVALID_SIZE', `an archive size must be a non-negative safe integer number of bytes, got ${describeValue(archiveSize)}`);
  }
  if (archiveSize === 0) {
    // The hash of nothing is defined (SHA-256 of ""), but Glacier stores 1 byte at least (uploading-an-archive).
    throw new TreeHashError('ERR_EMPTY_ARCHIVE', 'an empty archive cannot be uploaded: Glacier archives are 1 byte to 42,949,672,960,000 bytes; got 0 bytes');
  }
  if (archiveSize > MAX_ARCHIVE_SIZE) {
    throw new TreeHashError(
      'ERR_ARCHIVE_TOO_LARGE',
      `an archive can be at most 10,000 parts × 4 GiB = ${MAX_ARCHIVE_SIZE} bytes; got ${formatBytes(archiveSize)}`,
    );
  }
}

/**
 * Number of parts an archive splits into, ceil(archiveSize / partSize), after checking that the
 * upload is possible at all: a valid part size, a valid archive size, at most 10,000 parts.
 * @throws {TreeHashError} `ERR_INVALID_PART_SIZE`, `ERR_TOO_MANY_PARTS`, and the codes of {@link assertValidArchiveSize}.
 * @example partCount(4608000, 1048576) // 5
 */
export function partCount(archiveSize: number, partSize: number): number {
  assertValidArchiveSize(archiveSize);
  assertValidPartSize(partSize);
  const count = Math.ceil(archiveSize / partSize);
  if (count > MAX_PARTS) {
    throw new TreeHashError(
      'ERR_TOO_MANY_PARTS',
      `${formatBytes(archiveSize)} in parts of ${formatBytes(partSize)} needs ${count} parts; at most ${MAX_PARTS} are allowed, ` +
        `so use a part size of at least ${formatBytes(choosePartSize(archiveSize))}`,
    );
  }
  return count;
}

/**
 * The smallest valid part size that keeps an archive within 10,000 parts. Smaller parts mean less to
 * re-send after a failure and less memory per in-flight part; callers who prefer bigger parts pass
 * their own size to {@link planParts}.
 * @throws {TreeHashError} `ERR_INVALID_SIZE`, `ERR_EMPTY_ARCHIVE`, `ERR_ARCHIVE_TOO_LARGE`.
 * @example choosePartSize(100 * 1024 ** 3) // 16777216 (16 MiB, 6,400 parts)
 * @example choosePartSize(4 * 1024 ** 4)   // 536870912 (512 MiB, 8,192 parts)
 */
export function choosePartSize(archiveSize: number): number {
  assertValidArchiveSize(archiveSize);
  // Exists: assertValidArchiveSize caps the size at MAX_PARTS × the largest part size.
  return VALID_PART_SIZES.find((size) => Math.ceil(archiveSize / size) <= MAX_PARTS)!;
}

/**
 * Formats a `Content-Range` header value in Glacier's form `bytes START-END/*` (END inclusive).
 * @throws {TreeHashError} `ERR_INVALID_CONTENT_RANGE` unless 0 ≤ start ≤ end are safe integers.
 * @example formatContentRange({ start: 0, end: 8388607 }) // 'bytes 0-8388607/*'
 */
export function formatContentRange(range: { readonly start: number; readonly end: number }): string {
  const { start, end } = range ?? ({} as { start?: unknown; end?: unknown });
  if (!isSizeNumber(start) || !isSizeNumber(end) || end < start) {
    throw new TreeHashError(
      'ERR_INVALID_CONTENT_RANGE',
      `a content range needs integers 0 ≤ start ≤ end (end inclusive); got start ${describeValue(start)}, end ${describeValue(end)}`,
    );
  }
  return `bytes ${start}-${end}/*`;
}

/**
 * Splits an archive into the parts of a multipart upload. With `partSize` omitted, uses
 * {@link choosePartSize}: the smallest valid size that keeps ≤ 10,000 parts.
 * @throws {TreeHashError} `ERR_INVALID_SIZE`, `ERR_EMPTY_ARCHIVE`, `ERR_ARCHIVE_TOO_LARGE` for the archive
 *   size; `ERR_INVALID_PART_SIZE` for a part size that is not 1 MiB × 2^k within 1 MiB–4 GiB;
 *   `ERR_TOO_MANY_PARTS` when the given part size would need more than 10,000 parts.
 * @example
 * const plan = planParts(4608000, 1048576);
 * plan.parts.length;            // 5
 * plan.parts[4].contentRange;   // 'bytes 4194304-4607999/*'
 * plan.parts[4].size;           // 413696
 */
export function planParts(archiveSize: number, partSize?: number): MultipartPlan {
  assertValidArchiveSize(archiveSize);
  const size = partSize === undefined ? choosePartSize(archiveSize) : partSize;
  const count = partCount(archiveSize, size);
  const parts: PlannedPart[] = [];
  for (let index = 0; index < count; index++) {
    const start = index * size;
    const end = Math.min(start + size, archiveSize) - 1;
    parts.push({ index, start, end, size: end - start + 1, contentRange: formatContentRange({ start, end }) });
  }
  return { archiveSize, partSize: size, parts };
}

/**
 * Parses a `Content-Range` header value such as `bytes 0-8388607/*` (END inclusive; the unit is
 * case-insensitive). A numeric complete length (`bytes 0-9/100`) is accepted and returned as
 * `total`. The same reader as `parseRange`, limited to this one form.
 * @throws {TreeHashError} `ERR_INVALID_CONTENT_RANGE` for any other form, END < START, a number beyond
 *   2^53 − 1, or END ≥ total.
 * @example parseContentRange('bytes 4194304-4607999/*') // { start: 4194304, end: 4607999 }
 */
export function parseContentRange(header: string): ContentRange {
  const fail = (why: string): never => {
    throw new TreeHashError(
      'ERR_INVALID_CONTENT_RANGE',
      `invalid Content-Range: ${why}; expected "bytes START-END/*" with 0 ≤ START ≤ END (END inclusive), got ${describeValue(header)}`,
    );
  };
  const { form, start, end, total } = readRangeText(header, fail);
  if (form !== 'content-range') fail('not of the form "bytes START-END/*"');
  return total === undefined ? { start, end } : { start, end, total };
}

/** What {@link validatePart} checks a range against. */
export interface PartValidationOptions {
  /** The upload's part size (InitiateMultipartUpload's `x-amz-part-size`). */
  partSize: number;
  /**
   * The archive's total size. Without it (and without a complete length in the range, `bytes S-E/N`)
   * the last part cannot be told apart, so any size up to the part size is accepted and only the
   * 10,000-part limit bounds the start.
   */
  archiveSize?: number;
}

/**
 * Checks one UploadMultipartPart range against the upload's rules and returns the part it is.
 * `range` is a `Content-Range` header value or `{ start, end }` (END inclusive).
 * @throws {TreeHashError} `ERR_INVALID_PART_SIZE`; the archive-size codes of {@link assertValidArchiveSize};
 *   `ERR_INVALID_CONTENT_RANGE` (unparsable, END < START, or a complete length other than the archive size);
 *   `ERR_PART_MISALIGNED` (START not a multiple of the part size);
 *   `ERR_PART_OUT_OF_BOUNDS` (past the archive's end, or part number above 10,000);
 *   `ERR_PART_SIZE_MISMATCH` (longer than the part size, or a non-last part shorter than it, or a last part
 *   that stops before the archive's end).
 * @example
 * validatePart('bytes 4194304-4607999/*', { partSize: 1048576, archiveSize: 4608000 }).index // 4
 * validatePart({ start: 1, end: 1048576 }, { partSize: 1048576 }) // throws ERR_PART_MISALIGNED
 */
export function validatePart(
  range: string | { readonly start: number; readonly end: number; readonly total?: number },
  options: PartValidationOptions,
): PlannedPart {
  const checked = optionsObject<PartValidationOptions>(options, 'the options of validatePart ({ partSize, archiveSize })');
  const { partSize } = checked;
  assertValidPartSize(partSize);
  let archiveSize = checked.archiveSize;
  if (archiveSize !== undefined) assertValidArchiveSize(archiveSize);
  const parsed = typeof range === 'string' ? parseContentRange(range) : range;
  const { start, end } = parsed ?? ({} as { start?: unknown; end?: unknown });
  const contentRange = formatContentRange({ start: start as number, end: end as number });
  const total = parsed.total;
  if (total !== undefined) {
    if (archiveSize === undefined) {
      // "bytes S-E/N" names the archive size itself.
      assertValidArchiveSize(total);
      archiveSize = total;
    } else if (total !== archiveSize) {
      throw new TreeHashError(
        'ERR_INVALID_CONTENT_RANGE',
        `the range's complete length ${describeValue(total)} differs from the archive size ${archiveSize}; Glacier uses "/*": ${contentRange}`,
      );
    }
  }
  const shown = `${contentRange} (part size ${formatBytes(partSize)}${archiveSize === undefined ? '' : `, archive ${formatBytes(archiveSize)}`})`;
  const size = end - start + 1;
  if (start % partSize !== 0) {
    throw new TreeHashError('ERR_PART_MISALIGNED', `a part must start at a multiple of the part size; ${start} is not: ${shown}`);
  }
  const index = start / partSize;
  if (archiveSize !== undefined && end >= archiveSize) {
    throw new TreeHashError('ERR_PART_OUT_OF_BOUNDS', `a part must end within the archive (last byte ${archiveSize - 1}); got ${shown}`);
  }
  if (index >= MAX_PARTS) {
    throw new TreeHashError('ERR_PART_OUT_OF_BOUNDS', `part number ${index + 1} exceeds the limit of ${MAX_PARTS} parts: ${shown}`);
  }
  if (size > partSize) {
    throw new TreeHashError('ERR_PART_SIZE_MISMATCH', `a part cannot be larger than the part size; got ${formatBytes(size)}: ${shown}`);
  }
  if (archiveSize !== undefined) {
    const expected = Math.min(partSize, archiveSize - start);
    if (size !== expected) {
      throw new TreeHashError(
        'ERR_PART_SIZE_MISMATCH',
        `part ${index} must be ${formatBytes(expected)} (` +
          `${expected === partSize ? 'every part but the last has the part size' : 'the last part runs to the end of the archive'}); ` +
          `got ${formatBytes(size)}: ${shown}`,
      );
    }
  }
  return { index, start, end, size, contentRange };
}
