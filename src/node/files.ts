// Hashing files and streams in Node, through the pool's pipeline (pool/pipeline.ts): read once
// into reused shared slots, linear SHA-256 on this thread, leaves on worker threads (node:crypto
// for 'auto' / 'native', the Wasm kernel for 'wasm' / 'wasm-scalar'). Regular files from 8 MiB
// on are read by the pool itself (positional reads into the slots, by whichever thread is free);
// smaller ones and pipes are read here. Files under 8 MiB on the Wasm engines are read with
// positional reads straight into the kernel's input window instead.
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { toBytes } from '../core/bytes.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { checkEngine, resolveEngine } from '../hash/engine.js';
import type { Checksums } from '../hash/tree-hasher.js';
import { abortableIterate, throwIfAborted } from '../stream/abort.js';
import { type HashStreamOptions, type TreeChecksum, hashChunks, streamHasher, streamOptions, streamResult } from '../stream/chunks.js';
import { ProgressReporter } from '../stream/progress.js';
import { assertReadableSource, readFailure } from '../stream/sources.js';
import { nodeSha256 } from './crypto.js';
import { checkUnchanged, openFile, readFailedAt, truncatedAt } from './open-file.js';
import { PARALLEL_THRESHOLD, Pipeline, type PoolLeaves } from './pool/pipeline.js';
import type { FileSource } from './pool/protocol.js';

/** Where read bytes go: the Wasm hasher's window, or the parallel path's shared slots. */
interface Sink {
  writable(): Uint8Array | Promise<Uint8Array>;
  commit(length: number): void;
  finish(): Checksums | TreeChecksum | Promise<Checksums | TreeChecksum>;
  abandon(): Promise<void>;
}

/**
 * Which code hashes the pool's leaves for these options: 'auto' is node:crypto here (src/node
 * always has it); undefined for engine 'js', whose kernel in JavaScript runs on the calling thread.
 */
function poolLeaves(options: HashStreamOptions): PoolLeaves | undefined {
  const { leaves } = resolveEngine(options.engine, 'unsaved', nodeSha256);
  return leaves === 'js' ? undefined : leaves;
}

/** A Pipeline for these options; bytes count for `progress` once their leaves are in the tree. */
function pipelineFor(options: HashFileOptions, leaves: PoolLeaves, expectedSize: number, progress: ProgressReporter, file?: FileSource): Pipeline {
  // An abort (perhaps from the progress callback itself) stops at the next slot, before another report.
  const onHashed = (length: number): void => {
    throwIfAborted(options.signal);
    progress.advance(length);
  };
  const onLeaf = options.onLeaf ? { onLeaf: options.onLeaf } : {};
  return new Pipeline({ linear: options.linear !== false, leaves, onHashed, workers: checkWorkers(options.workers), ...onLeaf }, expectedSize, file);
}

/** The `workers` option: a positive integer, or undefined. */
function checkWorkers(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new TreeHashError('ERR_INVALID_OPTION', `workers must be a positive integer, got ${describeValue(value)}`);
  }
  return value as number;
}

function sinkFor(options: HashFileOptions, expectedSize: number, progress: ProgressReporter): Sink {
  // node:crypto hashes small inputs fastest through the pipeline (no copy into Wasm memory);
  // the Wasm engines go through the pool only when there is enough for the workers.
  const leaves = poolLeaves(options);
  if (leaves === 'native' || (leaves !== undefined && expectedSize >= PARALLEL_THRESHOLD)) {
    const parallel = pipelineFor(options, leaves, expectedSize, progress);
    return { writable: () => parallel.writable(), commit: (n) => parallel.commit(n), finish: () => parallel.finish(), abandon: () => parallel.abandon() };
  }
  const hasher = streamHasher(options, nodeSha256);
  return {
    writable: () => hasher.writableWindow(),
    commit: (n) => {
      hasher.commitWritten(n);
      progress.advance(n);
    },
    finish: () => streamResult(hasher),
    abandon: async () => {},
  };
}

export interface HashFileOptions extends HashStreamOptions {
  /** First byte to hash (default 0). */
  start?: number;
  /** Last byte to hash, inclusive like `fs.createReadStream` and HTTP ranges (default: the end of the file). */
  end?: number;
  /**
   * At most this many worker threads hash the leaves of one input (default: every core the
   * machine has, `os.availableParallelism()`, less one for the linear SHA-256 on this thread;
   * every core with `linear: false`). Inputs under 8 MiB use none.
   */
  workers?: number;
}

function checkOffset(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new TreeHashError('ERR_INVALID_RANGE', `${name} must be a non-negative integer, got ${describeValue(value)}`);
  }
  return value as number;
}

/**
 * Tree hash and linear SHA-256 of a file, or of the inclusive byte range `start`..`end` of it.
 * `onProgress` (see {@link HashStreamOptions.onProgress}) counts bytes once they are hashed (their
 * leaf digests in the tree), which trails reading by at most 16 MiB (files under 8 MiB on the Wasm
 * engines: once read); `total` is the size of the file or range, `undefined` for a pipe or device
 * until the final call.
 * A file whose size is 0 (a pseudo-file such as /proc/version) is read to its end.
 * @throws {TreeHashError} `ERR_READ_FAILED` (the fs error as `cause`) when the file cannot be
 * opened or read, `ERR_FILE_CHANGED` when it grew, shrank or was written to while being hashed
 * (size and modification time after the last read; a range that stops before the end is checked
 * only for shrinking), `ERR_INVALID_RANGE` for a range outside the file, `ERR_ABORTED` when the
 * signal fires, `ERR_INVALID_OPTION` for a bad `engine`, `onProgress` or `workers`,
 * `ERR_WORKER_FAILED` when a worker thread dies; the `onProgress` callback's own error.
 * @example
 * const { treeHash, sha256, size } = await hashFile('archive.tar', {
 *   onProgress: ({ bytes, total }) => console.error(`${bytes} of ${total} bytes`),
 * });
 */
export async function hashFile(path: string | URL | Buffer, options?: HashFileOptions & { linear?: true }): Promise<Checksums>;
export async function hashFile(path: string | URL | Buffer, options: HashFileOptions & { linear: false }): Promise<TreeChecksum>;
export async function hashFile(path: string | URL | Buffer, options?: HashFileOptions): Promise<Checksums | TreeChecksum>;
export async function hashFile(path: string | URL | Buffer, given?: HashFileOptions): Promise<Checksums | TreeChecksum> {
  const options = streamOptions<HashFileOptions>(given, 'hashFile');
  const start = checkOffset(options.start, 'start') ?? 0;
  const requestedEnd = checkOffset(options.end, 'end');
  const { signal } = options;
  throwIfAborted(signal);
  checkWorkers(options.workers);
  const { handle, stat } = await openFile(path);
  let sink: Sink | Pipeline | undefined;
  try {
    const ranged = options.start !== undefined || options.end !== undefined;
    // Pipes, sockets and devices (e.g. /dev/fd/N from process substitution) have no size, and
    // pseudo-files (/proc/version) say 0: read to EOF.
    const sized = stat.isFile() && (stat.size > 0 || ranged);
    if (!sized && ranged) {
      throw new TreeHashError('ERR_INVALID_RANGE', `${String(path)} is not a regular file, so start/end cannot be used`);
    }
    const end = requestedEnd ?? (sized ? stat.size - 1 : Infinity);
    // A start at the end of a non-empty file names no byte (only an empty file hashes from 0 to nothing).
    const startOutside = start > stat.size || (start === stat.size && stat.size > 0);
    if (sized && (requestedEnd !== undefined ? end < start || end >= stat.size : startOutside)) {
      throw new TreeHashError(
        'ERR_INVALID_RANGE',
        `the range ${start}-${requestedEnd ?? 'end'} is not inside ${String(path)} (${stat.size} bytes); allowed: 0 <= start <= end < size`,
      );
    }
    const stop = end + 1;
    const progress = new ProgressReporter(options.onProgress, sized ? stop - start : undefined);
    let result: Checksums | TreeChecksum;
    if (sized && stop - start >= PARALLEL_THRESHOLD && poolLeaves(options) === 'native') {
      // The pool reads the file itself: positional reads into its slots, by whichever thread is free.
      const pipeline = (sink = pipelineFor(options, 'native', stop - start, progress, { fd: handle.fd, start, end: stop, path: String(path) }));
      await pipeline.readAll(signal);
      throwIfAborted(signal);
      result = await pipeline.finish();
    } else {
      result = await readInto((sink = sinkFor(options, sized ? stop - start : 0, progress)), handle, path, start, sized ? stop : Infinity, signal);
    }
    sink = undefined;
    // Grown, truncated or written to while it was read: the hash would be of no version of the file.
    if (sized) checkUnchanged(path, stat, await handle.stat(), requestedEnd === undefined);
    progress.finish(result.size);
    return result;
  } finally {
    await sink?.abandon();
    await handle.close();
  }
}

/** Reads `handle` from `start` to `stop` (Infinity: to EOF) into the sink on this thread. */
async function readInto(
  sink: Sink,
  handle: FileHandle,
  path: string | URL | Buffer,
  start: number,
  stop: number,
  signal: AbortSignal | undefined,
): Promise<Checksums | TreeChecksum> {
  const sized = stop !== Infinity;
  let position = start;
  while (position < stop) {
    throwIfAborted(signal);
    const window = await sink.writable();
    const want = Math.min(window.length, stop - position);
    let bytesRead: number;
    try {
      ({ bytesRead } = await handle.read(window, 0, want, sized ? position : null));
    } catch (cause) {
      throw readFailedAt(path, position, cause);
    }
    if (bytesRead === 0) {
      if (!sized) break;
      throw truncatedAt(path, position, stop);
    }
    sink.commit(bytesRead);
    position += bytesRead;
  }
  throwIfAborted(signal);
  return sink.finish();
}

/**
 * Tree hash and linear SHA-256 of a Node Readable or any (async) iterable of byte chunks. A
 * stream error rejects the promise (never a hang, never a partial hash). `onProgress` (see
 * {@link HashStreamOptions.onProgress}) counts bytes once they are hashed; `total` is
 * `undefined` until the final call.
 * @throws {TreeHashError} `ERR_READ_FAILED` (the stream's error as `cause`), `ERR_ABORTED`,
 * `ERR_INVALID_INPUT` for a source or chunk that is not bytes, `ERR_INVALID_OPTION`; the
 * `onProgress` callback's own error.
 * @example const { treeHash } = await hashStream(process.stdin);
 */
export async function hashStream(
  source: Readable | AsyncIterable<unknown> | Iterable<unknown>,
  options?: HashStreamOptions & { linear?: true },
): Promise<Checksums>;
export async function hashStream(
  source: Readable | AsyncIterable<unknown> | Iterable<unknown>,
  options: HashStreamOptions & { linear: false },
): Promise<TreeChecksum>;
export async function hashStream(source: Readable | AsyncIterable<unknown> | Iterable<unknown>, options?: HashStreamOptions): Promise<Checksums | TreeChecksum>;
export async function hashStream(source: Readable | AsyncIterable<unknown> | Iterable<unknown>, given?: HashStreamOptions): Promise<Checksums | TreeChecksum> {
  const options = streamOptions<HashStreamOptions>(given, 'hashStream');
  assertReadableSource(source, 'hashStream');
  const leaves = poolLeaves(options);
  // Engine 'js': the universal chunk loop (leaves through WebCrypto, the rest in JavaScript).
  if (leaves === undefined) return hashChunks(source, options);
  const { signal } = options;
  const progress = new ProgressReporter(options.onProgress, undefined);
  throwIfAborted(signal);
  // Chunks are copied into the shared slots (they are the stream's, not ours); the first few MiB
  // are hashed on this thread, so short streams never start the worker pool.
  const parallel = pipelineFor(options, leaves, 0, progress);
  let result: Checksums | TreeChecksum;
  try {
    for await (const chunk of abortableIterate(source, signal)) {
      await parallel.update(toBytes(chunk as Uint8Array, 'each chunk'));
    }
    result = await parallel.finish();
  } catch (cause) {
    await parallel.abandon();
    // Leaving the loop early destroys a Node Readable, so nothing keeps reading.
    throw readFailure(cause, progress, 'the stream failed');
  }
  progress.finish(result.size);
  return result;
}
