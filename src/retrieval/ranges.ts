/**
 * Retrieval ranges: which byte ranges Glacier accepts for a retrieval job, which ranges come back
 * with a tree-hash checksum, and how to cut a download so that every piece can be verified.
 *
 * Sources: Glacier developer guide "Receiving Checksums When Downloading Data"
 * (checksum-calculations-range.html), InitiateJob (api-initiate-job-post), GetJobOutput
 * (api-job-output-get). AWS's own statement of "tree-hash aligned" is garbled in every published
 * version; the rule implemented here is the reconstructed one — a range is tree-hash aligned exactly
 * when its bytes are the span of a node of the archive's tree — decided from spans, never by
 * comparing hashes (repeated content makes different ranges hash alike).
 */
import { MiB, LEAF_SIZE } from '../core/constants.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { formatBytes } from '../core/format.js';
import {
  alignedLeafBlocks,
  coveringNode,
  largestPowerOfTwoAtMost,
  leafCount,
  nodeLeafSpan,
  smallestPowerOfTwoAtLeast,
} from '../hash/tree-spans.js';

/**
 * A byte range. **`end` is inclusive**, as in HTTP `Range`/`Content-Range` and Glacier's
 * `RetrievalByteRange`: `{ start: 0, end: 1048575 }` is the first MiB.
 */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

// ---------------------------------------------------------------------------------------------
// Input checks (one place for the messages)

/**
 * Checks that `size` is a payload size this module can reason about: a whole number of bytes
 * from 1 to 2^53 − 1. Glacier stores no empty archives, so no range of one can be asked about.
 * @throws {TreeHashError} `ERR_INVALID_SIZE` otherwise.
 * @example assertPayloadSize(6_815_744, 'archiveSize')
 */
export function assertPayloadSize(size: unknown, name = 'size'): asserts size is number {
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1) {
    throw new TreeHashError(
      'ERR_INVALID_SIZE',
      `${name} must be a whole number of bytes from 1 to ${Number.MAX_SAFE_INTEGER}, got ${describeValue(size)}`,
    );
  }
}

/**
 * Checks that `range` is an object with whole-number `start` and `end` (`end` inclusive). Bounds
 * against a payload are *not* checked here: the predicates answer `false` for those, with a reason.
 * @throws {TreeHashError} `ERR_INVALID_RANGE` otherwise.
 * @example assertByteRange({ start: 0, end: 1048575 })
 */
export function assertByteRange(range: unknown, name = 'range'): asserts range is ByteRange {
  if (typeof range !== 'object' || range === null) {
    throw new TreeHashError(
      'ERR_INVALID_RANGE',
      `${name} must be an object { start, end } (end inclusive), got ${describeValue(range)}`,
    );
  }
  const { start, end } = range as { start?: unknown; end?: unknown };
  for (const [key, value] of [['start', start], ['end', end]] as const) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw new TreeHashError(
        'ERR_INVALID_RANGE',
        `${name}.${key} must be a whole number of bytes (a safe integer), got ${describeValue(value)}`,
      );
    }
  }
}

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
  assertPayloadSize(archiveSize, 'archiveSize');
  const outOfBounds = explainBounds(range, archiveSize, 'archive');
  if (outOfBounds !== null) return outOfBounds;
  const { start, end } = range;
  if (start % MiB !== 0) {
    const below = start - (start % MiB);
    return `start ${start} is not a multiple of 1 MiB (${MiB}); the nearest aligned starts are ${below} and ${below + MiB}`;
  }
  if ((end + 1) % MiB !== 0 && end !== archiveSize - 1) {
    return (
      `end ${end} is neither one byte before a multiple of 1 MiB (end + 1 = ${end + 1}) nor the archive's ` +
      `last byte (${archiveSize - 1})`
    );
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
function leafSpanToByteRange(first: number, end: number, size: number): ByteRange {
  return { start: first * LEAF_SIZE, end: Math.min(end * LEAF_SIZE, size) - 1 };
}

// ---------------------------------------------------------------------------------------------
// Text forms

// RFC 9110: the range unit is case-insensitive ("Bytes=0-9" is the same request); digits only, no
// signs or exponents. One reader for every form, so Range, RetrievalByteRange and Content-Range agree.
const RANGE_FORMS = [
  { form: 'http', pattern: /^bytes=(\d+)-(\d+)$/i }, // HTTP Range request header (GetJobOutput)
  { form: 'plain', pattern: /^(\d+)-(\d+)$/ }, // RetrievalByteRange, ListParts RangeInBytes
  { form: 'content-range', pattern: /^bytes\s+(\d+)-(\d+)\/(\*|\d+)$/i }, // Content-Range (UploadMultipartPart, GetJobOutput)
] as const;

/** @internal A range read from text, with the form it was written in and a Content-Range's total. */
export interface ParsedRangeText extends ByteRange {
  readonly form: (typeof RANGE_FORMS)[number]['form'];
  readonly total?: number;
}

/**
 * @internal Reads any of Glacier's range forms; `fail` builds the caller's error from the reason,
 * so that {@link parseRange} and `parseContentRange` share the rules and keep their own codes.
 */
export function readRangeText(text: unknown, fail: (why: string) => never): ParsedRangeText {
  if (typeof text !== 'string') return fail('a range must be given as a string');
  const trimmed = text.trim();
  for (const { form, pattern } of RANGE_FORMS) {
    const match = pattern.exec(trimmed);
    if (match === null) continue;
    const number = (digits: string): number => {
      const value = Number(digits);
      if (!Number.isSafeInteger(value)) fail(`${digits} is beyond the largest supported byte offset (${Number.MAX_SAFE_INTEGER})`);
      return value;
    };
    const start = number(match[1]!);
    const end = number(match[2]!);
    if (start > end) fail(`start ${start} is after end ${end} (the end is inclusive)`);
    if (match[3] === undefined || match[3] === '*') return { form, start, end };
    const total = number(match[3]);
    if (end >= total) fail(`end ${end} is not inside the total size ${total}`);
    return { form, start, end, total };
  }
  return fail('not a range "START-END", "bytes=START-END" or "bytes START-END/TOTAL"');
}

/**
 * Parses the range forms Glacier uses into `{ start, end }`: `bytes=0-1048575` (GetJobOutput's
 * `Range`), `0-1048575` (`RetrievalByteRange`, ListParts' `RangeInBytes`) and `bytes 0-1048575/*`
 * or `bytes 0-1048575/8388608` (`Content-Range`; a numeric total must lie beyond the end). The unit
 * `bytes` is case-insensitive. Only single, fully specified ranges: suffix (`bytes=-500`), open
 * (`bytes=100-`) and multi-range forms are refused, because Glacier's ranges always give both ends.
 * @throws {TreeHashError} `ERR_INVALID_RANGE` for any other text, start > end, or a number beyond 2^53 − 1.
 * @example parseRange('bytes=0-1048575') // { start: 0, end: 1048575 }
 */
export function parseRange(text: string): ByteRange {
  const { start, end } = readRangeText(text, (why) => {
    throw new TreeHashError(
      'ERR_INVALID_RANGE',
      `invalid range: ${why}; expected "START-END", "bytes=START-END" or "bytes START-END/TOTAL" (END inclusive, TOTAL may be *), ` +
        `got ${describeValue(text)}`,
    );
  });
  return { start, end };
}

/**
 * The `RetrievalByteRange` text of a range: `"START-END"` (InitiateJob wants no `bytes=` prefix).
 * @throws {TreeHashError} `ERR_INVALID_RANGE` for a malformed range or start > end.
 * @example formatRetrievalRange({ start: 0, end: 1048575 }) // '0-1048575'
 */
export function formatRetrievalRange(range: ByteRange): string {
  assertOrderedRange(range);
  return `${range.start}-${range.end}`;
}

/**
 * The HTTP `Range` header value of a range, as GetJobOutput takes it: `"bytes=START-END"`.
 * @throws {TreeHashError} `ERR_INVALID_RANGE` for a malformed range or start > end.
 * @example formatHttpRange({ start: 0, end: 1048575 }) // 'bytes=0-1048575'
 */
export function formatHttpRange(range: ByteRange): string {
  return `bytes=${formatRetrievalRange(range)}`;
}

/**
 * Checks that `range` is a well-formed range on its own: whole numbers with 0 ≤ start ≤ end (end
 * inclusive). Bounds against a payload are the predicates' business.
 * @throws {TreeHashError} `ERR_INVALID_RANGE` otherwise.
 * @example assertOrderedRange({ start: 0, end: 1048575 }, 'options.range')
 */
export function assertOrderedRange(range: unknown, name = 'range'): asserts range is ByteRange {
  assertByteRange(range, name);
  if (range.start < 0 || range.start > range.end) {
    throw new TreeHashError(
      'ERR_INVALID_RANGE',
      `${name} needs 0 ≤ start ≤ end (end inclusive), got start ${range.start} and end ${range.end}`,
    );
  }
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
function jobOutputSize(archiveSize: number, retrievalRange: ByteRange | undefined): number {
  assertPayloadSize(archiveSize, 'archiveSize');
  if (retrievalRange === undefined) return archiveSize;
  const reason = explainRetrievalRange(retrievalRange, archiveSize);
  if (reason !== null) {
    throw new TreeHashError(
      'ERR_INVALID_RANGE',
      `InitiateJob would refuse the retrieval range ${retrievalRange.start}-${retrievalRange.end}: ${reason}`,
    );
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
  const { archiveSize, retrievalRange, downloadRange } = query;
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

// ---------------------------------------------------------------------------------------------
// Download plans

/** The arguments of {@link planDownload}. */
export interface DownloadPlanOptions {
  /** Size of the whole archive in bytes. */
  readonly archiveSize: number;
  /** The job's `RetrievalByteRange` (absolute); omitted when the whole archive was retrieved. */
  readonly retrievalRange?: ByteRange | undefined;
  /**
   * Largest download per request, in bytes, at least 1 MiB. Pieces are nodes of the tree, so their
   * size is a power-of-two number of MiB; a size between two powers is rounded down.
   */
  readonly chunkSize: number;
}

/** One GetJobOutput request of a {@link DownloadPlan}. */
export interface DownloadChunk {
  /** The `Range` to send, relative to the job output. */
  readonly range: ByteRange;
  /** The same bytes' position in the archive. */
  readonly archiveRange: ByteRange;
}

/** What a download plan amounts to, without its pieces; see {@link describeDownloadPlan}. */
export interface DownloadPlanSummary {
  /** Bytes in the job output (the retrieval range's length, or the archive size). */
  readonly jobOutputSize: number;
  /** The retrieved part of the archive (the whole archive when no range was given). */
  readonly retrievalRange: ByteRange;
  /** The largest piece actually used: the largest 2^k MiB ≤ the requested chunk size. */
  readonly blockSize: number;
  /** Number of pieces: every piece but the last is `blockSize` long. */
  readonly chunkCount: number;
  /**
   * Whether Glacier sends `x-amz-sha256-tree-hash` with each piece: true unless the retrieval range
   * is not tree-hash aligned, in which case no response of the job carries one.
   */
  readonly checksums: boolean;
}

/** A job output cut into tree-hash-aligned pieces; see {@link planDownload}. */
export interface DownloadPlan extends DownloadPlanSummary {
  readonly chunks: readonly DownloadChunk[];
}

/** The job output size and the largest piece (in leaves) of a plan, checking the options. */
function planShape(options: DownloadPlanOptions): { outputSize: number; blockLeaves: number } {
  const { archiveSize, retrievalRange, chunkSize } = options;
  const outputSize = jobOutputSize(archiveSize, retrievalRange);
  if (typeof chunkSize !== 'number' || !Number.isSafeInteger(chunkSize) || chunkSize < MiB) {
    throw new TreeHashError(
      'ERR_INVALID_CHUNK_SIZE',
      `chunkSize must be a whole number of bytes ≥ 1 MiB (${MiB}) so that each piece is a tree node, ` +
        `got ${describeValue(chunkSize)}`,
    );
  }
  return { outputSize, blockLeaves: largestPowerOfTwoAtMost(Math.floor(chunkSize / MiB)) };
}

/**
 * The pieces of {@link planDownload}, one at a time: for a huge archive in small pieces (40 M
 * pieces of 1 MiB for the largest archive) without holding them all.
 * @throws {TreeHashError} as {@link planDownload}, on the first call.
 * @example for (const chunk of downloadChunks({ archiveSize, chunkSize: 64 * MiB })) await fetchPiece(chunk.range)
 */
export function downloadChunks(options: DownloadPlanOptions): Generator<DownloadChunk> {
  const { outputSize, blockLeaves } = planShape(options);
  const offset = options.retrievalRange?.start ?? 0;
  const leaves = leafCount(outputSize);
  return (function* () {
    for (const block of alignedLeafBlocks(0, leaves, leaves, blockLeaves)) {
      const range = leafSpanToByteRange(block.first, block.end, outputSize);
      yield { range, archiveRange: { start: range.start + offset, end: range.end + offset } };
    }
  })();
}

/**
 * The size, piece size, piece count and checksum expectation of {@link planDownload}'s plan,
 * without cutting the pieces.
 * @throws {TreeHashError} as {@link planDownload}.
 * @example describeDownloadPlan({ archiveSize: 6_815_744, chunkSize: 4 * MiB }).chunkCount // 2
 */
export function describeDownloadPlan(options: DownloadPlanOptions): DownloadPlanSummary {
  const { outputSize, blockLeaves } = planShape(options);
  const retrieved = options.retrievalRange ?? { start: 0, end: options.archiveSize - 1 };
  return {
    jobOutputSize: outputSize,
    retrievalRange: { start: retrieved.start, end: retrieved.end },
    blockSize: blockLeaves * MiB,
    chunkCount: Math.ceil(outputSize / (blockLeaves * MiB)),
    checksums: isTreeHashAligned(retrieved, options.archiveSize),
  };
}

/**
 * Cuts a job output into GetJobOutput ranges that are each tree-hash aligned — at each offset the
 * largest aligned block that fits and is ≤ `chunkSize` — so that every response carries a checksum
 * (when the job's range is aligned) and the checksums combine into the whole output's tree hash.
 * With a power-of-two chunk size every piece has that size except the last.
 * @throws {TreeHashError} `ERR_INVALID_RANGE` when InitiateJob would refuse the retrieval range;
 *   `ERR_INVALID_SIZE` for a bad archive size; `ERR_INVALID_CHUNK_SIZE` for a chunk size that is not
 *   a whole number ≥ 1 MiB.
 * @example planDownload({ archiveSize: 6_815_744, chunkSize: 4 * MiB }).chunks.map((c) => c.range)
 * // [{ start: 0, end: 4194303 }, { start: 4194304, end: 6815743 }]
 */
export function planDownload(options: DownloadPlanOptions): DownloadPlan {
  return { ...describeDownloadPlan(options), chunks: [...downloadChunks(options)] };
}

/**
 * The fewest tree-hash-aligned ranges that together hold exactly the given leaves of a payload of
 * `size` bytes — e.g. the damaged leaves of a copy, to download again with a checksum each. Runs
 * of adjacent leaves are merged into whole nodes; no byte outside the given leaves is included.
 * @throws {TreeHashError} `ERR_INVALID_SIZE` for a bad size; `ERR_INVALID_RANGE` for a leaf index
 *   that is not a whole number inside the payload.
 * @example alignedRangesForLeaves([1, 2, 3], 6_815_744) // [{ start: 1048576, end: 2097151 }, { start: 2097152, end: 4194303 }]
 */
export function alignedRangesForLeaves(leafIndices: Iterable<number>, size: number): ByteRange[] {
  assertPayloadSize(size);
  const leaves = leafCount(size);
  const sorted = [...new Set(leafIndices)].sort((a, b) => a - b);
  for (const index of sorted) {
    if (!Number.isSafeInteger(index) || index < 0 || index >= leaves) {
      throw new TreeHashError(
        'ERR_INVALID_RANGE',
        `leaf index must be a whole number from 0 to ${leaves - 1} for a ${size}-byte payload, got ${describeValue(index)}`,
      );
    }
  }
  const ranges: ByteRange[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    for (const block of alignedLeafBlocks(sorted[i]!, sorted[j]! + 1, leaves, Infinity)) {
      ranges.push(leafSpanToByteRange(block.first, block.end, size));
    }
    i = j + 1;
  }
  return ranges;
}
