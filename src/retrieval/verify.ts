/**
 * Verifying what comes back from Glacier: a body against the `x-amz-sha256-tree-hash` of its
 * GetJobOutput response, and a whole job output — downloaded in tree-hash-aligned pieces — against
 * DescribeJob's `SHA256TreeHash` (the retrieved range) or the inventory's `SHA256TreeHash` (the
 * archive). Pure: the Node `Transform` and Web `TransformStream` adapters live in src/node/ and src/web/.
 */
import { type BytesLike, isBytesLike, toBytes } from '../core/bytes.js';
import { DIGEST_LENGTH, LEAF_SIZE } from '../core/constants.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { type TreeHashLike, toTreeHashBytes } from '../core/digest.js';
import { TreeHasher, treeHash as treeHashOf } from '../hash/tree-hasher.js';
import { toHex } from '../core/hex.js';
import { type ByteRange, assertOrderedRange, assertPayloadSize, explainTreeHashAlignment, formatRetrievalRange } from './ranges.js';
import { type ProgressCallback, type TreeChecksum, checkProgressCallback, hashChunks, readerChunks } from '../stream/chunks.js';
import { combineTreeHashes } from '../hash/combine.js';
import { largestPowerOfTwoAtMost, leafCount } from '../hash/tree-spans.js';

export { type TreeHashLike, toTreeHashBytes } from '../core/digest.js';

/**
 * Thrown when bytes do not have the tree hash they should. `expected` and `actual` are lowercase
 * hex; `range` is the byte range that was checked (absolute in the archive when the caller said so),
 * `undefined` for an empty payload.
 * @example
 * try { verifyTreeHashSync(body, header) } catch (e) { if (e instanceof TreeHashMismatchError) refetch(e.range) }
 */
export class TreeHashMismatchError extends TreeHashError {
  declare readonly code: 'ERR_TREE_HASH_MISMATCH';
  readonly expected: string;
  readonly actual: string;
  readonly range: ByteRange | undefined;

  constructor(expected: Uint8Array, actual: Uint8Array, range: ByteRange | undefined) {
    const where = range === undefined ? 'the empty payload' : `bytes ${formatRetrievalRange(range)}`;
    super('ERR_TREE_HASH_MISMATCH', `tree hash mismatch for ${where}: expected ${toHex(expected)}, got ${toHex(actual)}`);
    this.name = 'TreeHashMismatchError';
    this.expected = toHex(expected);
    this.actual = toHex(actual);
    this.range = range;
  }
}

/**
 * Throws {@link TreeHashMismatchError} unless `actual` equals `expected`.
 * @throws {TreeHashError} `ERR_TREE_HASH_MISMATCH`; `ERR_INVALID_HEX`/`ERR_INVALID_DIGEST` for a malformed hash.
 * @example assertTreeHashEquals(treeHash(body), response.checksum, { start: 0, end: body.length - 1 })
 */
export function assertTreeHashEquals(actual: TreeHashLike, expected: TreeHashLike, range?: ByteRange): void {
  const want = toTreeHashBytes(expected, 'expected tree hash');
  const got = toTreeHashBytes(actual, 'actual tree hash');
  if (range !== undefined) assertOrderedRange(range);
  let same = true;
  for (let i = 0; i < DIGEST_LENGTH; i++) if (want[i] !== got[i]) same = false;
  if (!same) throw new TreeHashMismatchError(want, got, range);
}

/** Options of the verifiers. */
export interface VerifyOptions {
  /**
   * The byte range the payload is, for messages and the error's `range` (e.g. its place in the
   * archive). When given, the payload must also be exactly that long (GetJobOutput's guide says to
   * check the received size against the requested range).
   */
  readonly range?: ByteRange | undefined;
}

/**
 * The incremental check behind every verifier: feed the bytes with `update`, then `finish()`
 * returns the (matching) tree hash or throws. Used by the Node and Web stream adapters.
 * @throws {TreeHashError} at creation for a malformed expected hash or range; from `finish()`:
 *   `ERR_SIZE_MISMATCH` when a range was given and the byte count differs, `ERR_TREE_HASH_MISMATCH`.
 * @example
 * const check = createTreeHashCheck(header);
 * for await (const chunk of body) check.update(chunk);
 * check.finish();
 */
export function createTreeHashCheck(expected: TreeHashLike, options: VerifyOptions = {}): TreeHashCheck {
  return new TreeHashCheck(expected, options);
}

/**
 * See {@link createTreeHashCheck}.
 * @example new TreeHashCheck(header, { range }).update(body).finish()
 */
export class TreeHashCheck {
  readonly #expected: Uint8Array;
  readonly #range: ByteRange | undefined;
  #hasher: TreeHasher | undefined = new TreeHasher();

  constructor(expected: TreeHashLike, options: VerifyOptions = {}) {
    this.#expected = toTreeHashBytes(expected, 'expected tree hash');
    this.#range = checkedRange(options.range);
  }

  /** Bytes checked so far. */
  get size(): number {
    return this.#hasher?.size ?? 0;
  }

  /** Adds bytes. */
  update(bytes: BytesLike): this {
    if (this.#hasher === undefined) {
      throw new TreeHashError('ERR_HASH_FINALIZED', 'update() after finish(): a tree-hash check runs once');
    }
    this.#hasher.update(bytes);
    return this;
  }

  /**
   * Ends the check. Returns the tree hash (equal to the expected one).
   * @throws {TreeHashError} `ERR_SIZE_MISMATCH`, `ERR_TREE_HASH_MISMATCH`, `ERR_HASH_FINALIZED`.
   */
  finish(): Uint8Array {
    const hasher = this.#hasher;
    if (hasher === undefined) throw new TreeHashError('ERR_HASH_FINALIZED', 'finish() was already called');
    this.#hasher = undefined;
    const size = hasher.size;
    const actual = hasher.digest();
    const range = this.#range ?? (size === 0 ? undefined : { start: 0, end: size - 1 });
    assertLengthMatches(size, this.#range);
    assertTreeHashEquals(actual, this.#expected, range);
    return actual;
  }

  /** Stops without a verdict, releasing the hasher (for a stream that was destroyed). */
  abandon(): void {
    const hasher = this.#hasher;
    this.#hasher = undefined;
    hasher?.digest();
  }
}

/** Checks an optional range option: whole numbers, 0 ≤ start ≤ end. */
function checkedRange(range: ByteRange | undefined): ByteRange | undefined {
  if (range !== undefined) assertOrderedRange(range, 'options.range');
  return range;
}

/** A received body must be as long as the range it was asked for (GetJobOutput's guide says to check). */
function assertLengthMatches(size: number, range: ByteRange | undefined): void {
  if (range !== undefined && size !== range.end + 1 - range.start) {
    throw new TreeHashError('ERR_SIZE_MISMATCH', `expected ${range.end + 1 - range.start} bytes for range ${formatRetrievalRange(range)}, got ${size}`);
  }
}

/**
 * Checks bytes against an expected tree hash, synchronously. Returns the tree hash.
 * @throws {TreeHashError} `ERR_TREE_HASH_MISMATCH` (a {@link TreeHashMismatchError}),
 *   `ERR_SIZE_MISMATCH`, `ERR_INVALID_HEX`/`ERR_INVALID_DIGEST`, `ERR_INVALID_INPUT`.
 * @example verifyTreeHashSync(body, response.checksum)
 */
export function verifyTreeHashSync(data: BytesLike, expected: TreeHashLike, options?: VerifyOptions): Uint8Array {
  const check = createTreeHashCheck(expected, options);
  try {
    check.update(toBytes(data));
  } catch (error) {
    check.abandon();
    throw error;
  }
  return check.finish();
}

/** What {@link verifyTreeHash} reads: bytes, an (async) iterable of byte chunks, or a Web `ReadableStream`. */
export type VerifySource = BytesLike | Iterable<BytesLike> | AsyncIterable<BytesLike> | ReadableStream<Uint8Array>;

/** Options of {@link verifyTreeHash}: the verifiers' own, plus progress. */
export interface VerifyTreeHashOptions extends VerifyOptions {
  /**
   * Progress as the source is hashed, by the contract of `HashStreamOptions.onProgress`: reports
   * at least 1 MiB apart, then a final one when every byte is hashed — before the comparison, so
   * a mismatch still rejects after it. `total` is the length of bytes given at once; for a stream,
   * `undefined` until the final call.
   */
  readonly onProgress?: ProgressCallback | undefined;
}

/**
 * Checks bytes or a stream of them against an expected tree hash (e.g. GetJobOutput's
 * `x-amz-sha256-tree-hash`). Resolves to the tree hash; rejects on mismatch.
 * @throws {TreeHashError} `ERR_TREE_HASH_MISMATCH` (a {@link TreeHashMismatchError}),
 *   `ERR_SIZE_MISMATCH`, `ERR_INVALID_HEX`/`ERR_INVALID_DIGEST`, `ERR_INVALID_INPUT`, `ERR_READ_FAILED`,
 *   `ERR_INVALID_OPTION` for an `onProgress` that is not a function; the `onProgress` callback's own error.
 * @example await verifyTreeHash(response.body, response.checksum, { range: { start: 0, end: 4194303 } })
 */
export async function verifyTreeHash(source: VerifySource, expected: TreeHashLike, options: VerifyTreeHashOptions = {}): Promise<Uint8Array> {
  const onProgress = checkProgressCallback(options.onProgress);
  if (isBytesLike(source) && onProgress === undefined) {
    return verifyTreeHashSync(source, expected, options);
  }
  const want = toTreeHashBytes(expected, 'expected tree hash'); // before reading anything
  const range = checkedRange(options.range);
  let hashed: Promise<TreeChecksum>;
  if (isBytesLike(source)) {
    const bytes = toBytes(source);
    hashed = hashChunks([bytes], { linear: false, onProgress }, bytes.length) as Promise<TreeChecksum>;
  } else {
    hashed = hashSource(source, onProgress);
  }
  const { size, treeHash } = await hashed;
  assertLengthMatches(size, range);
  assertTreeHashEquals(treeHash, want, range ?? (size === 0 ? undefined : { start: 0, end: size - 1 }));
  return treeHash;
}

/** The tree hash of a source that is not bytes: an (async) iterable of chunks or a Web ReadableStream. */
function hashSource(source: Exclude<VerifySource, BytesLike>, onProgress?: ProgressCallback): Promise<TreeChecksum> {
  const candidate = source as Partial<AsyncIterable<unknown> & Iterable<unknown> & ReadableStream<Uint8Array>> | null;
  const iterable =
    candidate != null &&
    typeof candidate[Symbol.asyncIterator] !== 'function' &&
    typeof candidate[Symbol.iterator] !== 'function' &&
    typeof candidate.getReader === 'function'
      ? readerChunks(candidate as ReadableStream<Uint8Array>) // Safari's streams are not async iterable
      : (source as AsyncIterable<unknown>);
  return hashChunks(iterable, { linear: false, onProgress }) as Promise<TreeChecksum>;
}

// ---------------------------------------------------------------------------------------------
// One GetJobOutput response

/** What a GetJobOutput response said about its body; see {@link verifyJobOutput}. */
export interface JobOutputResponse {
  /** The `x-amz-sha256-tree-hash` header (the SDK's `checksum`), or `undefined`/`null` when absent. */
  readonly checksum: string | null | undefined;
  /** The `Range` that was requested, relative to the job output (for the length check and errors). */
  readonly range?: ByteRange | undefined;
}

/** The outcome of {@link verifyJobOutput}. */
export interface JobOutputVerdict {
  /** True when the response had a checksum and the body matched it; false when it had none. */
  readonly verified: boolean;
  /** The body's tree hash (to combine into the whole output's, or to compare with a manifest). */
  readonly treeHash: Uint8Array;
}

/**
 * Checks one GetJobOutput body by the rule of "Receiving Checksums When Downloading Data": when the
 * response carries `x-amz-sha256-tree-hash`, the body must match it; when it does not (the range was
 * not tree-hash aligned), the body is *unverifiable*, not wrong — the verdict says so and still
 * gives its tree hash. Either way the body must be as long as the requested range.
 * @throws {TreeHashError} `ERR_TREE_HASH_MISMATCH` (a {@link TreeHashMismatchError}), `ERR_SIZE_MISMATCH`,
 *   `ERR_INVALID_HEX` for a malformed header, `ERR_READ_FAILED` when the body stream fails.
 * @example const { verified, treeHash } = await verifyJobOutput(response.body, { checksum: response.checksum, range })
 */
export async function verifyJobOutput(body: VerifySource, response: JobOutputResponse): Promise<JobOutputVerdict> {
  const { checksum, range } = response;
  if (checksum !== undefined && checksum !== null) {
    return { verified: true, treeHash: await verifyTreeHash(body, checksum, { range }) };
  }
  const checked = checkedRange(range);
  const { size, treeHash } =
    isBytesLike(body)
      ? { size: toBytes(body).length, treeHash: treeHashOf(body) }
      : await hashSource(body);
  assertLengthMatches(size, checked);
  return { verified: false, treeHash };
}

// ---------------------------------------------------------------------------------------------
// Whole downloads from verified pieces

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
  const { size, chunks } = download;
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
 * @throws {TreeHashError} `ERR_TREE_HASH_MISMATCH` (a {@link TreeHashMismatchError} whose `range`
 *   is the retrieval range, or the whole output); as {@link combineChunkTreeHashes} for bad pieces.
 * @example verifyDownload({ size: job.outputSize, chunks, expected: describeJob.SHA256TreeHash })
 */
export function verifyDownload(options: VerifyDownloadOptions): Uint8Array {
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
