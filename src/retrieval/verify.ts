/**
 * Verifying what comes back from Glacier: a body against the `x-amz-sha256-tree-hash` of its
 * GetJobOutput response (whole downloads from pieces: verify-download.ts). Pure: the Node
 * `Transform` and Web `TransformStream` adapters live in src/node/ and src/web/.
 */
import { type ByteRange, assertOrderedRange, formatRetrievalRange } from '../core/byte-range.js';
import { type BytesLike, isBytesLike, toBytes } from '../core/bytes.js';
import { type TreeHashLike, equalDigests, toTreeHashBytes } from '../core/digest.js';
import { TreeHashError } from '../core/errors.js';
import { optionsObject } from '../core/options.js';
import { TreeHashMismatchError } from '../core/mismatch.js';
import { treeHash as treeHashOf } from '../hash/one-shot.js';
import { KernelTreeHasher } from '../hash/tree-hasher.js';
import { type TreeChecksum, hashChunks } from '../stream/chunks.js';
import { type ProgressCallback, checkProgressCallback } from '../stream/progress.js';
import { assertReadableSource, isReadableStream, readerChunks } from '../stream/sources.js';

/**
 * Throws {@link TreeHashMismatchError} unless `actual` equals `expected`.
 * @throws {TreeHashError} `ERR_TREE_HASH_MISMATCH`; `ERR_INVALID_HEX`/`ERR_INVALID_DIGEST` for a malformed hash.
 * @example assertTreeHashEquals(treeHash(body), response.checksum, { start: 0, end: body.length - 1 })
 */
export function assertTreeHashEquals(actual: TreeHashLike, expected: TreeHashLike, range?: ByteRange): void {
  const want = toTreeHashBytes(expected, 'expected tree hash');
  const got = toTreeHashBytes(actual, 'actual tree hash');
  if (range !== undefined) assertOrderedRange(range);
  if (!equalDigests(got, want)) throw new TreeHashMismatchError(want, got, range);
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
export function createTreeHashCheck(expected: TreeHashLike, options?: VerifyOptions): TreeHashCheck {
  return new HasherCheck(expected, options);
}

/** An incremental tree-hash check; see {@link createTreeHashCheck}. */
export interface TreeHashCheck {
  /** Bytes checked so far. */
  readonly size: number;
  /** Adds bytes. @throws {TreeHashError} `ERR_HASH_FINALIZED` after `finish()`. */
  update(bytes: BytesLike): this;
  /**
   * Ends the check. Returns the tree hash (equal to the expected one).
   * @throws {TreeHashError} `ERR_SIZE_MISMATCH`, `ERR_TREE_HASH_MISMATCH`, `ERR_HASH_FINALIZED`.
   */
  finish(): Uint8Array;
  /** Stops without a verdict, releasing the hasher (for a stream that was destroyed). */
  abandon(): void;
}

class HasherCheck implements TreeHashCheck {
  readonly #expected: Uint8Array;
  readonly #range: ByteRange | undefined;
  #hasher: KernelTreeHasher | undefined;

  constructor(expected: TreeHashLike, options?: VerifyOptions) {
    this.#expected = toTreeHashBytes(expected, 'expected tree hash');
    this.#range = checkedRange(optionsObject<VerifyOptions>(options, 'the options of a tree-hash check').range);
    this.#hasher = new KernelTreeHasher(); // after the checks: a refused call holds no kernel instance
  }

  get size(): number {
    return this.#hasher?.size ?? 0;
  }

  update(bytes: BytesLike): this {
    if (this.#hasher === undefined) {
      throw new TreeHashError('ERR_HASH_FINALIZED', 'update() after finish(): a tree-hash check runs once');
    }
    this.#hasher.update(bytes);
    return this;
  }

  finish(): Uint8Array {
    const hasher = this.#hasher;
    if (hasher === undefined) throw new TreeHashError('ERR_HASH_FINALIZED', 'finish() was already called');
    this.#hasher = undefined;
    const size = hasher.size;
    const actual = hasher.digest();
    assertHashedMatches(size, actual, this.#expected, this.#range);
    return actual;
  }

  abandon(): void {
    const hasher = this.#hasher;
    this.#hasher = undefined;
    hasher?.digest();
  }
}

/** @internal Checks an optional range option: whole numbers, 0 ≤ start ≤ end. */
export function checkedRange(range: ByteRange | undefined): ByteRange | undefined {
  if (range !== undefined) assertOrderedRange(range, 'options.range');
  return range;
}

/** @internal A received body must be as long as the range it was asked for (GetJobOutput's guide says to check). */
export function assertLengthMatches(size: number, range: ByteRange | undefined): void {
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
export async function verifyTreeHash(source: VerifySource, expected: TreeHashLike, given?: VerifyTreeHashOptions): Promise<Uint8Array> {
  const options = optionsObject<VerifyTreeHashOptions>(given, 'the options of verifyTreeHash');
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
  assertHashedMatches(size, treeHash, want, range);
  return treeHash;
}

/**
 * @internal The verdict on hashed bytes: `size` must be the length of `range` when there is one,
 * and `treeHash` equal to `want` (the mismatch names `range`, or the bytes' own).
 * @throws {TreeHashError} `ERR_SIZE_MISMATCH`, `ERR_TREE_HASH_MISMATCH`.
 */
export function assertHashedMatches(size: number, treeHash: Uint8Array, want: Uint8Array, range: ByteRange | undefined): void {
  assertLengthMatches(size, range);
  assertTreeHashEquals(treeHash, want, range ?? (size === 0 ? undefined : { start: 0, end: size - 1 }));
}

/** The tree hash of a source that is not bytes: an (async) iterable of chunks or a Web ReadableStream. */
function hashSource(source: Exclude<VerifySource, BytesLike>, onProgress?: ProgressCallback): Promise<TreeChecksum> {
  if (isReadableStream(source)) return hashChunks(readerChunks(source), { linear: false, onProgress }) as Promise<TreeChecksum>;
  assertReadableSource(source, 'verifyTreeHash');
  const iterable = source as AsyncIterable<unknown>;
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
  const { checksum, range } = optionsObject<JobOutputResponse>(response, 'the response of verifyJobOutput ({ checksum, range })');
  if (checksum !== undefined && checksum !== null) {
    return { verified: true, treeHash: await verifyTreeHash(body, checksum, { range }) };
  }
  const checked = checkedRange(range);
  const { size, treeHash } = isBytesLike(body) ? { size: toBytes(body).length, treeHash: treeHashOf(body) } : await hashSource(body);
  assertLengthMatches(size, checked);
  return { verified: false, treeHash };
}
