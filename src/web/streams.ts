// Web Streams and Blobs: the same in browsers, Deno, Bun, Cloudflare Workers and Node.
import { TreeHashError, describeValue } from '../core/errors.js';
import { booleanOption } from '../core/options.js';
import type { Checksums } from '../hash/tree-hasher.js';
import { type HashStreamOptions, type TreeChecksum, hashChunks, streamOptions } from '../stream/chunks.js';
import { isReadableStream, readerChunks } from '../stream/sources.js';
import { hashBlobInWorker } from './worker-client.js';

/** Options of {@link hashBlob}: those of every streaming function, and where to hash. */
export interface HashBlobOptions extends HashStreamOptions {
  /**
   * Hash in a dedicated Web Worker that the library starts from its own module (one, shared by all
   * calls), so the page stays responsive while a large file is hashed. Results are identical;
   * `onProgress` and `signal` work across the boundary; `onLeaf` is refused. Needs a runtime with
   * Web Workers (`ERR_WORKER_FAILED` otherwise, or when the worker script cannot be loaded).
   * Default false.
   */
  worker?: boolean;
}

/** hashWebStream with a known length (a Blob's), for `onProgress`'s total. */
function hashWebStreamOf(stream: ReadableStream<unknown>, options: HashStreamOptions, total: number | undefined): Promise<Checksums | TreeChecksum> {
  return hashChunks(readerChunks(stream), options, total);
}

/**
 * Tree hash and linear SHA-256 of a Web `ReadableStream` of bytes. `onProgress` (see
 * {@link HashStreamOptions.onProgress}) counts bytes as the hasher takes them in; `total` is
 * `undefined` until the final call.
 * @throws {TreeHashError} `ERR_READ_FAILED` when the stream errors (its error as `cause`),
 * `ERR_ABORTED` when the signal fires, `ERR_INVALID_INPUT` for chunks that are not bytes,
 * `ERR_INVALID_INPUT` for a locked stream, `ERR_INVALID_OPTION` for options that are not an object
 * or an option of the wrong type; the `onProgress` callback's own error.
 * @example const { treeHash, sha256 } = await hashWebStream((await fetch(url)).body!);
 */
export async function hashWebStream(stream: ReadableStream<unknown>, options?: HashStreamOptions & { linear?: true }): Promise<Checksums>;
export async function hashWebStream(stream: ReadableStream<unknown>, options: HashStreamOptions & { linear: false }): Promise<TreeChecksum>;
export async function hashWebStream(stream: ReadableStream<unknown>, options?: HashStreamOptions): Promise<Checksums | TreeChecksum>;
export async function hashWebStream(stream: ReadableStream<unknown>, options?: HashStreamOptions): Promise<Checksums | TreeChecksum> {
  if (!isReadableStream(stream)) {
    throw new TreeHashError('ERR_INVALID_INPUT', `hashWebStream expects a ReadableStream, got ${describeValue(stream)}`);
  }
  // Options are checked before the stream's reader is taken (which locks it).
  return hashWebStreamOf(stream, streamOptions(options, 'hashWebStream'), undefined);
}

/**
 * Tree hash and linear SHA-256 of a `Blob` or `File` (e.g. from an `<input type=file>`), read as a
 * stream. `onProgress`'s `total` is the Blob's size throughout. `{ worker: true }` hashes it in a
 * Web Worker (see {@link HashBlobOptions.worker}).
 * @throws {TreeHashError} as {@link hashWebStream}.
 * @example
 * const { treeHash } = await hashBlob(input.files[0], {
 *   onProgress: ({ bytes, total }) => (meter.value = bytes / total!),
 * });
 */
export async function hashBlob(blob: Blob, options?: HashBlobOptions & { linear?: true }): Promise<Checksums>;
export async function hashBlob(blob: Blob, options: HashBlobOptions & { linear: false }): Promise<TreeChecksum>;
export async function hashBlob(blob: Blob, options?: HashBlobOptions): Promise<Checksums | TreeChecksum>;
export async function hashBlob(blob: Blob, given?: HashBlobOptions): Promise<Checksums | TreeChecksum> {
  if (blob === null || typeof (blob as { stream?: unknown })?.stream !== 'function') {
    throw new TreeHashError('ERR_INVALID_INPUT', `hashBlob expects a Blob or File, got ${describeValue(blob)}`);
  }
  const options = streamOptions<HashBlobOptions>(given, 'hashBlob');
  if (booleanOption(options.worker, 'worker') === true) return hashBlobInWorker(blob, options);
  return hashWebStreamOf(blob.stream(), options, blob.size);
}
