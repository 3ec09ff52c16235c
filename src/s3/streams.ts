// The S3 values of Blobs, Web streams and (async) iterables of bytes, in every runtime: chunks go
// through one S3 hasher (checksums.ts) on this thread. Node files and streams have their own
// functions on both cores (glacier-treehash/node: hashFileForS3, hashStreamForS3).
import { toBytes } from '../core/bytes.js';
import { checkEngine } from '../hash/engine.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { abortableIterate, throwIfAborted } from '../stream/abort.js';
import { PROGRESS_STEP, type ProgressCallback, ProgressReporter, checkProgressCallback } from '../stream/progress.js';
import { assertIterable, isReadableStream, readFailure, readerChunks } from '../stream/sources.js';
import { KernelS3Hasher, type S3Checksums, type S3HashOptions } from './checksums.js';

export interface S3StreamOptions extends S3HashOptions {
  /** Called as bytes are hashed (at least PROGRESS_STEP apart, then once at the end). */
  onProgress?: ProgressCallback;
  /** Aborts: the promise rejects with `ERR_ABORTED` and the source is closed. */
  signal?: AbortSignal;
}

function checkOptions(options: S3StreamOptions): void {
  if (options === null || typeof options !== 'object') {
    throw new TreeHashError('ERR_INVALID_OPTION', `options must be an object with a partSize, got ${describeValue(options)}`);
  }
  checkEngine(options.engine);
  checkProgressCallback(options.onProgress);
}

async function hashChunksForS3(source: AsyncIterable<unknown> | Iterable<unknown>, options: S3StreamOptions, total: number | undefined): Promise<S3Checksums> {
  const { onProgress: _onProgress, signal, ...hashOptions } = options;
  const hasher = new KernelS3Hasher(hashOptions);
  const progress = new ProgressReporter(options.onProgress, total);
  throwIfAborted(signal);
  try {
    for await (const chunk of abortableIterate(source, signal)) {
      const bytes = toBytes(chunk as Uint8Array, 'each chunk');
      for (let offset = 0; offset < bytes.length; offset += PROGRESS_STEP) {
        const piece = bytes.subarray(offset, offset + PROGRESS_STEP);
        hasher.update(piece);
        progress.advance(piece.length);
      }
    }
  } catch (cause) {
    throw readFailure(cause, progress, 'the stream failed');
  }
  const result = hasher.digest();
  progress.finish(result.size);
  return result;
}

/**
 * Every S3 value of a `Blob` or `File` (see `S3Checksums`): composite SHA-256, ETag, CRCs, each
 * part's, and the Glacier tree hash and SHA-256, from one read. The Blob's size sizes the
 * `'glacier-vaults-to-s3'` preset.
 * @throws {TreeHashError} `ERR_READ_FAILED`, `ERR_ABORTED`, `ERR_INVALID_PART_SIZE`, `ERR_TOO_MANY_PARTS`, `ERR_INVALID_OPTION`.
 * @example const { etag, sha256Composite } = await hashBlobForS3(input.files[0], { partSize: 'aws-cli' });
 */
export async function hashBlobForS3(blob: Blob, options: S3StreamOptions): Promise<S3Checksums> {
  if (blob === null || typeof (blob as { stream?: unknown })?.stream !== 'function') {
    throw new TreeHashError('ERR_INVALID_INPUT', `hashBlobForS3 expects a Blob or File, got ${describeValue(blob)}`);
  }
  checkOptions(options);
  return hashChunksForS3(readerChunks(blob.stream()), { ...options, size: options.size ?? blob.size }, blob.size);
}

/**
 * {@link hashBlobForS3} for a Web `ReadableStream` of bytes or any (async) iterable of byte chunks
 * (a Node Readable too, on one thread: glacier-treehash/node's hashStreamForS3 uses both cores).
 * @throws {TreeHashError} as {@link hashBlobForS3}; `ERR_INVALID_INPUT` for a source that is not bytes.
 */
export async function hashWebStreamForS3(
  source: ReadableStream<unknown> | AsyncIterable<unknown> | Iterable<unknown>,
  options: S3StreamOptions,
): Promise<S3Checksums> {
  checkOptions(options);
  if (isReadableStream(source)) return hashChunksForS3(readerChunks(source), options, undefined);
  assertIterable(source, 'hashWebStreamForS3 expects a ReadableStream or an (async) iterable of bytes');
  return hashChunksForS3(source, options, undefined);
}
