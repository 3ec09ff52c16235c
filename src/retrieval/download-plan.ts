/**
 * Download plans: a job output cut into tree-hash-aligned GetJobOutput ranges, so that every piece
 * comes with a checksum and the checksums combine into the whole output's tree hash; and the fewest
 * aligned ranges that hold given leaves (what to download again). Pure arithmetic on tree spans.
 */
import { type ByteRange, assertPayloadSize } from '../core/byte-range.js';
import { MiB } from '../core/constants.js';
import { optionsObject } from '../core/options.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { alignedLeafBlocks, largestPowerOfTwoAtMost, leafCount } from '../hash/tree-spans.js';
import { isTreeHashAligned, jobOutputSize, leafSpanToByteRange } from './ranges.js';

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

/**
 * The most pieces {@link planDownload} builds in memory (a plan of the largest archive in 1 MiB
 * pieces would be 40,960,000 objects, more than a heap holds): beyond it, iterate
 * {@link downloadChunks} (lazy) or ask for a larger `chunkSize`.
 */
export const MAX_PLAN_CHUNKS = 100_000;

/** The job output size and the largest piece (in leaves) of a plan, checking the options. */
function planShape(given: DownloadPlanOptions, fn: string): { options: DownloadPlanOptions; outputSize: number; blockLeaves: number } {
  const options = optionsObject<DownloadPlanOptions>(given, `the options of ${fn} ({ archiveSize, retrievalRange, chunkSize })`) as DownloadPlanOptions;
  const { archiveSize, retrievalRange, chunkSize } = options;
  const outputSize = jobOutputSize(archiveSize, retrievalRange);
  if (typeof chunkSize !== 'number' || !Number.isSafeInteger(chunkSize) || chunkSize < MiB) {
    throw new TreeHashError(
      'ERR_INVALID_CHUNK_SIZE',
      `chunkSize must be a whole number of bytes ≥ 1 MiB (${MiB}) so that each piece is a tree node, ` + `got ${describeValue(chunkSize)}`,
    );
  }
  return { options, outputSize, blockLeaves: largestPowerOfTwoAtMost(Math.floor(chunkSize / MiB)) };
}

/**
 * The pieces of {@link planDownload}, one at a time: for a huge archive in small pieces (40 M
 * pieces of 1 MiB for the largest archive) without holding them all.
 * @throws {TreeHashError} as {@link planDownload}, on the first call.
 * @example for (const chunk of downloadChunks({ archiveSize, chunkSize: 64 * MiB })) await fetchPiece(chunk.range)
 */
export function downloadChunks(given: DownloadPlanOptions): Generator<DownloadChunk> {
  const { options, outputSize, blockLeaves } = planShape(given, 'downloadChunks');
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
export function describeDownloadPlan(given: DownloadPlanOptions): DownloadPlanSummary {
  const { options, outputSize, blockLeaves } = planShape(given, 'describeDownloadPlan');
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
 * The plan holds every piece, so it is refused beyond {@link MAX_PLAN_CHUNKS} pieces (1 MiB pieces
 * of a 100 GiB archive; a 40 TiB one needs 512 MiB pieces): iterate {@link downloadChunks} instead.
 * @throws {TreeHashError} `ERR_INVALID_RANGE` when InitiateJob would refuse the retrieval range;
 *   `ERR_INVALID_SIZE` for a bad archive size, `ERR_ARCHIVE_TOO_LARGE` above 42,949,672,960,000
 *   bytes; `ERR_INVALID_CHUNK_SIZE` for a chunk size that is not a whole number ≥ 1 MiB, or that
 *   would make more than {@link MAX_PLAN_CHUNKS} pieces; `ERR_INVALID_OPTION` for options that are not an object.
 * @example planDownload({ archiveSize: 6_815_744, chunkSize: 4 * MiB }).chunks.map((c) => c.range)
 * // [{ start: 0, end: 4194303 }, { start: 4194304, end: 6815743 }]
 */
export function planDownload(options: DownloadPlanOptions): DownloadPlan {
  const summary = describeDownloadPlan(options);
  if (summary.chunkCount > MAX_PLAN_CHUNKS) {
    throw new TreeHashError(
      'ERR_INVALID_CHUNK_SIZE',
      `this plan has ${summary.chunkCount} pieces of ${summary.blockSize} bytes, and planDownload holds at most ${MAX_PLAN_CHUNKS} in memory: ` +
        `iterate downloadChunks(options) for the pieces one at a time, or give a chunkSize of at least ${minimumChunkSize(summary.jobOutputSize)} bytes`,
    );
  }
  return { ...summary, chunks: [...downloadChunks(options)] };
}

/** The smallest 2^k MiB chunk size that keeps a plan of `outputSize` bytes within {@link MAX_PLAN_CHUNKS} pieces. */
function minimumChunkSize(outputSize: number): number {
  let size = MiB;
  while (Math.ceil(outputSize / size) > MAX_PLAN_CHUNKS) size *= 2;
  return size;
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
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    for (const block of alignedLeafBlocks(sorted[i]!, sorted[j]! + 1, leaves, Infinity)) {
      ranges.push(leafSpanToByteRange(block.first, block.end, size));
    }
    i = j + 1;
  }
  return ranges;
}
