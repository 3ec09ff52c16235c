// Blobs, Files and Web Streams cut into multipart parts. Pure web APIs: runs in browsers, workers,
// edge runtimes and Node 20+.
import type { BytesLike } from '../core/bytes.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { booleanOption } from '../core/options.js';
import { assertUnlocked, isReadableStream, readerChunks } from '../stream/sources.js';
import { partCount } from '../upload/plan.js';
import { hashPartsOf, partsOptions } from '../upload/run.js';
import type { HashPartsOptions, PartHashing } from '../upload/types.js';
import { hashBlobPartsInWorker } from './worker-client.js';

/** Options of {@link hashBlobParts}: those of `hashParts`, and where to hash. */
export interface HashBlobPartsOptions extends HashPartsOptions {
  /**
   * Hash in the library's Web Worker, as `hashBlob`'s `worker` option (one worker, shared by all
   * calls): the parts, `done()`'s totals, `start` and `save()` in the body of the `for await` are
   * identical to this thread's; `onProgress` and `signal` work across the boundary, `break` stops the
   * worker's job, `keepBytes` moves each part's bytes to the page. The next part is hashed when the
   * iteration asks for it, as on this thread. Refused (`ERR_INVALID_OPTION`): `savePoint: 'byte'`,
   * a `restore` state saved inside a part (save() follows the parts yielded, not the bytes read),
   * and `linear` as a function. `ERR_WORKER_FAILED` without Web Workers. Default false.
   */
  worker?: boolean;
}

/** Whether `value` is a Blob (or File), also one from another realm. */
export function isBlob(value: unknown): value is Blob {
  if (typeof Blob !== 'undefined' && value instanceof Blob) return true;
  const tag = value !== null && typeof value === 'object' ? Object.prototype.toString.call(value) : '';
  return tag === '[object Blob]' || tag === '[object File]';
}

/**
 * Part checksums of a Blob or File (see `hashParts` in the core for what is yielded and `done()`).
 * A Blob can be read any number of times, so hashing never disturbs an upload of the same Blob.
 * With `resumeFrom` or `restore`, reading starts after the resumed parts or at the saved byte.
 * `{ worker: true }` hashes in a Web Worker (see {@link HashBlobPartsOptions.worker}).
 * @throws {TreeHashError} at the call: `ERR_INVALID_INPUT` for a non-Blob, `ERR_EMPTY_ARCHIVE` and
 *   `ERR_TOO_MANY_PARTS` (the Blob's size is known), `ERR_INVALID_RANGE` when the resumed parts cover
 *   more than the Blob, and the codes of `createPartHasher`; while iterating: `ERR_READ_FAILED`, `ERR_ABORTED`.
 *   With `{ worker: true }` also `ERR_INVALID_OPTION` at the call for what cannot cross (see
 *   {@link HashBlobPartsOptions.worker}), and `ERR_WORKER_FAILED` (no Web Workers at the call; the
 *   worker failing while iterating).
 * @example
 * const hashing = hashBlobParts(input.files[0], { partSize: 16 * MiB });
 * for await (const part of hashing) await sendPart(part);
 * const { treeHash, size } = await hashing.done();
 */
export function hashBlobParts(blob: Blob, given: HashBlobPartsOptions): PartHashing {
  if (!isBlob(blob)) {
    throw new TreeHashError('ERR_INVALID_INPUT', `hashBlobParts expects a Blob or File, got ${describeValue(blob)}`);
  }
  const options = partsOptions(given, 'hashBlobParts') as HashBlobPartsOptions;
  const inWorker = booleanOption(options.worker, 'worker') === true;
  // The size is known: refuse an empty Blob or too many parts before reading anything.
  partCount(blob.size, options.partSize);
  const hashing = hashPartsOf(
    (start) => readerChunks(blob.slice(start).stream()) as AsyncIterable<BytesLike>,
    options,
    () => blob.size,
  );
  if (hashing.start > blob.size) {
    throw new TreeHashError('ERR_INVALID_RANGE', `the resumed parts cover ${hashing.start} bytes, more than the Blob's ${blob.size} bytes`);
  }
  // In the worker: this thread's run, never started, has checked everything and knows `start`.
  return inWorker ? hashBlobPartsInWorker(blob, options, hashing) : hashing;
}

/**
 * Part checksums of a Web `ReadableStream` of bytes (a `fetch` body, a `File.stream()`), read
 * through its reader so it works where streams are not async-iterable (Safari). With `resumeFrom`,
 * the stream must hold the bytes after the resumed parts. Leaving the iteration early cancels it.
 * @throws {TreeHashError} at the call: `ERR_INVALID_INPUT` for a non-stream and the codes of
 *   `createPartHasher`; while iterating: `ERR_READ_FAILED` (the stream's error as `cause`),
 *   `ERR_INVALID_INPUT` for chunks that are not bytes, `ERR_EMPTY_ARCHIVE`, `ERR_TOO_MANY_PARTS`, `ERR_ABORTED`.
 * @example
 * const hashing = hashWebStreamParts((await fetch(url)).body!, { partSize: 8 * MiB });
 * for await (const part of hashing) console.log(part.contentRange, toHex(part.treeHash));
 */
export function hashWebStreamParts(stream: ReadableStream<unknown>, options: HashPartsOptions): PartHashing {
  if (!isReadableStream(stream)) {
    throw new TreeHashError('ERR_INVALID_INPUT', `hashWebStreamParts expects a ReadableStream, got ${describeValue(stream)}`);
  }
  assertUnlocked(stream);
  return hashPartsOf(() => readerChunks(stream) as AsyncIterable<BytesLike>, options);
}
