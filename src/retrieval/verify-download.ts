// Whole downloads from verified pieces: the tree hash of a job output from the tree hashes of its
// tree-hash-aligned pieces, checked against DescribeJob's (or the inventory's) SHA256TreeHash.
import { type ByteRange, assertOrderedRange, assertPayloadSize, formatRetrievalRange } from '../core/byte-range.js';
import { LEAF_SIZE } from '../core/constants.js';
import { type TreeHashLike, toTreeHashBytes } from '../core/digest.js';
import { optionsObject } from '../core/options.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { combineTreeHashes } from '../hash/combine.js';
import { largestPowerOfTwoAtMost, leafCount } from '../hash/tree-spans.js';
import { explainTreeHashAlignment } from './ranges.js';
import { assertTreeHashEquals } from './verify.js';

/** A downloaded piece of a job output and its (verified) tree hash. */
export interface VerifiedChunk {
  /** The piece's range relative to the job output (the `Range` sent to GetJobOutput). */
  readonly range: ByteRange;
  /** The piece's tree hash: the `x-amz-sha256-tree-hash` its body was verified against. */
  readonly treeHash: TreeHashLike;
}

/** The arguments of {@link combineChunkTreeHashes} and {@link verifyDownload}. */
export interface DownloadChunks {
  /** Bytes in the job output. */
  readonly size: number;
  /** Pieces covering the job output exactly once, each tree-hash aligned in it; any order. */
  readonly chunks: readonly VerifiedChunk[];
}

/**
 * The tree hash of a whole job output from the tree hashes of its pieces. The pieces may have any
 * mix of aligned sizes (not only equal parts): the tree is rebuilt top-down, splitting each span at
 * its largest power-of-two number of leaves, down to the given pieces.
 * @throws {TreeHashError} `ERR_INVALID_RANGE` for pieces that overlap, leave a gap or fall outside;
 *   `ERR_RANGE_NOT_ALIGNED` for a piece that is not tree-hash aligned; `ERR_INVALID_SIZE`;
 *   `ERR_INVALID_HEX`/`ERR_INVALID_DIGEST` for a malformed hash.
 * @example combineChunkTreeHashes({ size: 6_815_744, chunks: [{ range: { start: 0, end: 4194303 }, treeHash: a }, { range: { start: 4194304, end: 6815743 }, treeHash: b }] })
 */
export function combineChunkTreeHashes(download: DownloadChunks): Uint8Array {
  const { size, chunks } = optionsObject<DownloadChunks>(download, 'the download of combineChunkTreeHashes ({ size, chunks })') as DownloadChunks;
  assertPayloadSize(size, 'size');
  if (!Array.isArray(chunks) || chunks.length === 0) {
    throw new TreeHashError('ERR_INVALID_INPUT', `chunks must be a non-empty array, got ${describeValue(chunks)}`);
  }
  const byLeafSpan = new Map<string, Uint8Array>();
  const sorted = chunks
    .map((chunk, i) => {
      assertOrderedRange(chunk?.range, `chunks[${i}].range`);
      return { range: chunk.range, treeHash: toTreeHashBytes(chunk.treeHash, `chunks[${i}].treeHash`) };
    })
    .sort((a, b) => a.range.start - b.range.start);
  let next = 0;
  for (const { range, treeHash } of sorted) {
    if (range.start !== next) {
      throw new TreeHashError(
        'ERR_INVALID_RANGE',
        range.start > next
          ? `the pieces leave bytes ${next}-${range.start - 1} of the ${size}-byte output uncovered`
          : `piece ${formatRetrievalRange(range)} overlaps the piece before it (which ends at byte ${next - 1})`,
      );
    }
    const reason = explainTreeHashAlignment(range, size);
    if (reason !== null) {
      throw new TreeHashError(
        'ERR_RANGE_NOT_ALIGNED',
        `piece ${formatRetrievalRange(range)} is not tree-hash aligned in the ${size}-byte output, so its hash is not a node of the tree: ${reason}`,
      );
    }
    byLeafSpan.set(`${range.start / LEAF_SIZE}-${Math.ceil((range.end + 1) / LEAF_SIZE)}`, treeHash);
    next = range.end + 1;
  }
  if (next !== size) {
    throw new TreeHashError('ERR_INVALID_RANGE', `the pieces leave bytes ${next}-${size - 1} of the ${size}-byte output uncovered`);
  }
  const nodeHash = (first: number, end: number): Uint8Array => {
    const known = byLeafSpan.get(`${first}-${end}`);
    if (known !== undefined) return known;
    // The Glacier tree splits a span of c leaves after the largest power of two below c.
    const split = first + largestPowerOfTwoAtMost(end - first - 1);
    return combineTreeHashes([nodeHash(first, split), nodeHash(split, end)]);
  };
  return nodeHash(0, leafCount(size));
}

/** The arguments of {@link verifyDownload}. */
export interface VerifyDownloadOptions extends DownloadChunks {
  /** DescribeJob's `SHA256TreeHash` (the retrieved range), or the inventory's for a whole archive. */
  readonly expected: TreeHashLike;
  /** Where the job output sits in the archive (InitiateJob's range), for the error's `range`. */
  readonly retrievalRange?: ByteRange | undefined;
}

/**
 * Checks a whole job output downloaded in pieces: the pieces' verified tree hashes combine into
 * the output's tree hash, which must equal DescribeJob's `SHA256TreeHash` (or, for a whole-archive
 * retrieval, the inventory's). Returns the combined tree hash.
 * @throws {TreeHashError} `ERR_TREE_HASH_MISMATCH` (a `TreeHashMismatchError` whose `range`
 *   is the retrieval range, or the whole output); as {@link combineChunkTreeHashes} for bad pieces.
 * @example verifyDownload({ size: job.outputSize, chunks, expected: describeJob.SHA256TreeHash })
 */
export function verifyDownload(given: VerifyDownloadOptions): Uint8Array {
  const options = optionsObject<VerifyDownloadOptions>(given, 'the options of verifyDownload ({ size, chunks, expected })') as VerifyDownloadOptions;
  const expected = toTreeHashBytes(options.expected, 'expected tree hash');
  const actual = combineChunkTreeHashes(options);
  const range = options.retrievalRange ?? { start: 0, end: options.size - 1 };
  if (options.retrievalRange !== undefined) {
    assertOrderedRange(options.retrievalRange, 'retrievalRange');
    if (options.retrievalRange.end + 1 - options.retrievalRange.start !== options.size) {
      throw new TreeHashError(
        'ERR_SIZE_MISMATCH',
        `the retrieval range ${formatRetrievalRange(options.retrievalRange)} holds ${options.retrievalRange.end + 1 - options.retrievalRange.start} bytes, but size is ${options.size}`,
      );
    }
  }
  assertTreeHashEquals(actual, expected, range);
  return actual;
}
