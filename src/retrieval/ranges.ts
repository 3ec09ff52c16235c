/**
 * Retrieval ranges: which byte ranges Glacier accepts for a retrieval job, which ranges come back
 * with a tree-hash checksum (download plans: download-plan.ts; the range type and text forms:
 * src/core/byte-range.ts).
 *
 * Sources: Glacier developer guide "Receiving Checksums When Downloading Data"
 * (checksum-calculations-range.html), InitiateJob (api-initiate-job-post), GetJobOutput
 * (api-job-output-get). AWS's own statement of "tree-hash aligned" is garbled in every published
 * version; the rule implemented here is the reconstructed one — a range is tree-hash aligned exactly
 * when its bytes are the span of a node of the archive's tree — decided from spans, never by
 * comparing hashes (repeated content makes different ranges hash alike).
 */
import { MiB, LEAF_SIZE } from '../core/constants.js';
import { type ByteRange, assertArchiveSize, assertByteRange, assertPayloadSize, formatRetrievalRange } from '../core/byte-range.js';
import { optionsObject } from '../core/options.js';
import { TreeHashError } from '../core/errors.js';
import { formatBytes } from '../core/format.js';
import { coveringNode, leafCount, nodeLeafSpan, smallestPowerOfTwoAtLeast } from '../hash/tree-spans.js';

/** A range inside a payload of `size` bytes: 0 ≤ start ≤ end < size. */
function explainBounds(range: ByteRange, size: number, of: string): string | null {
  const { start, end } = range;
  if (start < 0) return `start ${start} is negative`;
  if (start > end) return `start ${start} is after end ${end} (end is inclusive, so a range holds at least one byte)`;
  if (end >= size) {
    return `end ${end} is past the last byte of the ${of} (${size} bytes, so the last byte is ${size - 1})`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Megabyte aligned: what InitiateJob accepts

/**
 * Why `range` is not a valid `RetrievalByteRange` for an archive of `archiveSize` bytes, or `null`
 * when it is valid. Valid means in bounds (0 ≤ start ≤ end < size; AWS's formula omits this) and
 * megabyte aligned: start is a multiple of 1 MiB, and end + 1 is a multiple of 1 MiB or end is the
 * archive's last byte (InitiateJob, "RetrievalByteRange").
 * @throws {TreeHashError} `ERR_INVALID_RANGE` / `ERR_INVALID_SIZE` for malformed arguments.
 * @example explainRetrievalRange({ start: 1, end: 1048576 }, 3_250_000) // 'start 1 is not a multiple of 1 MiB …'
 */
export function explainRetrievalRange(range: ByteRange, archiveSize: number): string | null {
  assertByteRange(range);
  assertArchiveSize(archiveSize);
  const outOfBounds = explainBounds(range, archiveSize, 'archive');
  if (outOfBounds !== null) return outOfBounds;
  const { start, end } = range;
  if (start % MiB !== 0) {
    const below = start - (start % MiB);
    return `start ${start} is not a multiple of 1 MiB (${MiB}); the nearest aligned starts are ${below} and ${below + MiB}`;
  }
  if ((end + 1) % MiB !== 0 && end !== archiveSize - 1) {
    return `end ${end} is neither one byte before a multiple of 1 MiB (end + 1 = ${end + 1}) nor the archive's ` + `last byte (${archiveSize - 1})`;
  }
  return null;
}

/**
 * Whether InitiateJob accepts `range` as the `RetrievalByteRange` of an archive of `archiveSize`
 * bytes (in bounds and megabyte aligned; see {@link explainRetrievalRange}).
 * @throws {TreeHashError} `ERR_INVALID_RANGE` / `ERR_INVALID_SIZE` for malformed arguments.
 * @example isValidRetrievalRange({ start: 1048576, end: 3249999 }, 3_250_000) // true
 */
export function isValidRetrievalRange(range: ByteRange, archiveSize: number): boolean {
  return explainRetrievalRange(range, archiveSize) === null;
}

// ---------------------------------------------------------------------------------------------
// Tree-hash aligned: which ranges come back with x-amz-sha256-tree-hash

/**
 * Why `range` is not tree-hash aligned in a payload of `size` bytes, or `null` when it is.
 *
 * Aligned means the range's bytes are the span of a node of the payload's tree. Equivalently, with
 * B = the smallest 2^k MiB ≥ the range's length: start is a multiple of B, and the length is B or
 * the range runs to the end of the payload. Tree-hash aligned implies megabyte aligned.
 * `size` is the archive size for a retrieval range, or the job output's size for a download range
 * relative to the job output (the two agree; see {@link expectsChecksum}).
 * @throws {TreeHashError} `ERR_INVALID_RANGE` / `ERR_INVALID_SIZE` for malformed arguments.
 * @example explainTreeHashAlignment({ start: 1048576, end: 3145727 }, 6_815_744) // 'a node of 2 MiB (2097152 bytes) starts at a multiple of 2097152; start 1048576 is not one …'
 */
export function explainTreeHashAlignment(range: ByteRange, size: number): string | null {
  const notRetrievable = explainRetrievalRange(range, size);
  if (notRetrievable !== null) return notRetrievable;
  const { start, end } = range;
  const length = end + 1 - start;
  const block = smallestPowerOfTwoAtLeast(Math.ceil(length / MiB)) * MiB;
  const runsToEnd = end === size - 1;
  if (length !== block && !runsToEnd) {
    return (
      `its length ${formatBytes(length)} is not a power-of-two number of MiB, and it does not ` +
      `run to the end (byte ${size - 1}); only a node at the end of the tree may be shorter than a power of two`
    );
  }
  if (start % block !== 0) {
    const node =
      length === block
        ? `a node of ${formatBytes(block)} starts at a multiple of ${block}`
        : `a range of ${formatBytes(length)} at the end is a node only as the tail of a block of ${formatBytes(block)}, ` +
          `and such blocks start at multiples of ${block}`;
    return `${node}; start ${start} is not one (${start} mod ${block} = ${start % block})`;
  }
  return null;
}

/**
 * Whether `range` is tree-hash aligned in a payload of `size` bytes — the span of a node of its
 * tree, so Glacier can return that node as the range's checksum (see {@link explainTreeHashAlignment}).
 * @throws {TreeHashError} `ERR_INVALID_RANGE` / `ERR_INVALID_SIZE` for malformed arguments.
 * @example isTreeHashAligned({ start: 4194304, end: 6815743 }, 6_815_744) // true
 */
export function isTreeHashAligned(range: ByteRange, size: number): boolean {
  return explainTreeHashAlignment(range, size) === null;
}

// ---------------------------------------------------------------------------------------------
// Covers

/** The smallest ranges of each kind that contain a given range; see {@link alignRange}. */
export interface AlignedCovers {
  /** Smallest valid `RetrievalByteRange` containing the range. */
  readonly megabyteAligned: ByteRange;
  /** Smallest tree-hash-aligned range (a node of the tree) containing the range. */
  readonly treeHashAligned: ByteRange;
}

/**
 * The smallest megabyte-aligned and the smallest tree-hash-aligned ranges that contain `range` in a
 * payload of `size` bytes. Either may equal `range` itself.
 * @throws {TreeHashError} `ERR_INVALID_RANGE` when the range is malformed or not inside the payload;
 *   `ERR_INVALID_SIZE` for a bad size.
 * @example alignRange({ start: 1048576, end: 3145727 }, 6_815_744)
 * // { megabyteAligned: { start: 1048576, end: 3145727 }, treeHashAligned: { start: 0, end: 4194303 } }
 */
export function alignRange(range: ByteRange, size: number): AlignedCovers {
  assertByteRange(range);
  assertPayloadSize(size);
  const outOfBounds = explainBounds(range, size, 'payload');
  if (outOfBounds !== null) {
    throw new TreeHashError('ERR_INVALID_RANGE', `cannot align a range that is not inside the payload: ${outOfBounds}`);
  }
  const start = range.start - (range.start % MiB);
  const megabyteAligned = { start, end: Math.min(Math.ceil((range.end + 1) / MiB) * MiB, size) - 1 };
  const leaves = leafCount(size);
  const node = coveringNode(Math.floor(range.start / LEAF_SIZE), Math.floor(range.end / LEAF_SIZE), leaves);
  const span = nodeLeafSpan(node, leaves)!;
  return { megabyteAligned, treeHashAligned: leafSpanToByteRange(span.first, span.end, size) };
}

/** Bytes of leaves [first, end) in a payload of `size` bytes (the last leaf may be short). */
export function leafSpanToByteRange(first: number, end: number, size: number): ByteRange {
  return { start: first * LEAF_SIZE, end: Math.min(end * LEAF_SIZE, size) - 1 };
}

// ---------------------------------------------------------------------------------------------
// Which GetJobOutput responses carry x-amz-sha256-tree-hash

/** The job and the download a checksum question is about; see {@link expectsChecksum}. */
export interface ChecksumQuery {
  /** Size of the whole archive in bytes. */
  readonly archiveSize: number;
  /** InitiateJob's `RetrievalByteRange` (absolute in the archive); omitted for the whole archive. */
  readonly retrievalRange?: ByteRange | undefined;
  /** GetJobOutput's `Range`, relative to the job output; omitted for the whole output. */
  readonly downloadRange?: ByteRange | undefined;
}

/**
 * The size of the job output, checking a retrieval range the way InitiateJob would.
 * @throws {TreeHashError} `ERR_INVALID_RANGE` when the retrieval range would be refused.
 */
export function jobOutputSize(archiveSize: number, retrievalRange: ByteRange | undefined): number {
  assertArchiveSize(archiveSize);
  if (retrievalRange === undefined) return archiveSize;
  const reason = explainRetrievalRange(retrievalRange, archiveSize);
  if (reason !== null) {
    throw new TreeHashError('ERR_INVALID_RANGE', `InitiateJob would refuse the retrieval range ${retrievalRange.start}-${retrievalRange.end}: ${reason}`);
  }
  return retrievalRange.end + 1 - retrievalRange.start;
}

/**
 * Why a GetJobOutput response for this job and download would come without
 * `x-amz-sha256-tree-hash`, or `null` when it carries one.
 *
 * The header comes back only when the job's retrieval range (if any) *and* the download range (if
 * any, relative to the job output) are both tree-hash aligned ("Receiving Checksums When
 * Downloading Data", four cases). When the retrieval range is a node of the archive tree, a download
 * sub-range is a node of the output's own tree exactly when its absolute position is a node of the
 * archive tree, so the download range is judged against the job output's size. This covers
 * archive-retrieval jobs; inventory output never has the header.
 * @throws {TreeHashError} `ERR_INVALID_RANGE` when InitiateJob would refuse the retrieval range or the
 *   download range is not inside the job output; `ERR_INVALID_SIZE` for a bad size.
 * @example explainChecksumExpectation({ archiveSize: 6_815_744, retrievalRange: { start: 0, end: 3145727 } })
 * // 'the retrieval range 0-3145727 is not tree-hash aligned: …'
 */
export function explainChecksumExpectation(query: ChecksumQuery): string | null {
  const { archiveSize, retrievalRange, downloadRange } = optionsObject<ChecksumQuery>(
    query,
    'the query of expectsChecksum ({ archiveSize, retrievalRange, downloadRange })',
  ) as ChecksumQuery;
  const outputSize = jobOutputSize(archiveSize, retrievalRange);
  // Both ranges are checked before any reason is given: a bad download range is an error whatever the retrieval range.
  if (downloadRange !== undefined) {
    assertByteRange(downloadRange, 'downloadRange');
    const outOfBounds = explainBounds(downloadRange, outputSize, 'job output');
    if (outOfBounds !== null) {
      throw new TreeHashError('ERR_INVALID_RANGE', `the download range is not inside the job output: ${outOfBounds}`);
    }
  }
  if (retrievalRange !== undefined) {
    const reason = explainTreeHashAlignment(retrievalRange, archiveSize);
    if (reason !== null) {
      return `the retrieval range ${formatRetrievalRange(retrievalRange)} is not tree-hash aligned: ${reason}`;
    }
  }
  if (downloadRange !== undefined) {
    const reason = explainTreeHashAlignment(downloadRange, outputSize);
    if (reason !== null) {
      return `the download range ${formatRetrievalRange(downloadRange)} is not tree-hash aligned in the ${outputSize}-byte job output: ${reason}`;
    }
  }
  return null;
}

/**
 * Whether GetJobOutput returns `x-amz-sha256-tree-hash` for this job and download (see
 * {@link explainChecksumExpectation}). Expect a checksum only when this is `true`; verify whenever
 * the header is present; a missing header means "unverifiable", not "wrong".
 * @throws {TreeHashError} as {@link explainChecksumExpectation}.
 * @example expectsChecksum({ archiveSize: 3_250_000, retrievalRange: { start: 2097152, end: 3249999 } }) // true
 */
export function expectsChecksum(query: ChecksumQuery): boolean {
  return explainChecksumExpectation(query) === null;
}
