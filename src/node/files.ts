// Hashing files and streams in Node. Files are read with positional reads straight into the
// kernel's input window (the only copy of each byte), 4 MiB at a time.
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { TreeHashError, describeValue } from '../errors.js';
import type { Checksums } from '../hasher.js';
import { type HashStreamOptions, type TreeChecksum, hashChunks, hasherFor, streamResult, throwIfAborted } from '../streaming.js';

export interface HashFileOptions extends HashStreamOptions {
  /** First byte to hash (default 0). */
  start?: number;
  /** Last byte to hash, inclusive like `fs.createReadStream` and HTTP ranges (default: the end of the file). */
  end?: number;
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
 * @throws {TreeHashError} `ERR_READ_FAILED` (the fs error as `cause`) when the file cannot be
 * opened or read, `ERR_INVALID_RANGE` for a range outside the file, `ERR_ABORTED` when the signal fires.
 * @example const { treeHash, sha256, size } = await hashFile('archive.tar');
 */
export async function hashFile(path: string | URL, options?: HashFileOptions & { linear?: true }): Promise<Checksums>;
export async function hashFile(path: string | URL, options: HashFileOptions & { linear: false }): Promise<TreeChecksum>;
export async function hashFile(path: string | URL, options?: HashFileOptions): Promise<Checksums | TreeChecksum>;
export async function hashFile(path: string | URL, options: HashFileOptions = {}): Promise<Checksums | TreeChecksum> {
  const start = checkOffset(options.start, 'start') ?? 0;
  const requestedEnd = checkOffset(options.end, 'end');
  const { signal } = options;
  throwIfAborted(signal);
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw new TreeHashError('ERR_READ_FAILED', `cannot open ${String(path)}: ${(cause as Error).message}`, { cause });
  }
  const hasher = hasherFor(options);
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) {
      const cause = Object.assign(new Error(`EISDIR: illegal operation on a directory, read`), { code: 'EISDIR' });
      throw new TreeHashError('ERR_READ_FAILED', `cannot hash ${String(path)}: it is a directory`, { cause });
    }
    // Pipes, sockets and devices (e.g. /dev/fd/N from process substitution) have no size: read to EOF.
    const sized = stat.isFile();
    if (!sized && (options.start !== undefined || options.end !== undefined)) {
      throw new TreeHashError('ERR_INVALID_RANGE', `${String(path)} is not a regular file, so start/end cannot be used`);
    }
    const end = requestedEnd ?? (sized ? stat.size - 1 : Infinity);
    if (sized && (requestedEnd !== undefined ? end < start || end >= stat.size : start > stat.size)) {
      throw new TreeHashError(
        'ERR_INVALID_RANGE',
        `the range ${start}-${requestedEnd ?? 'end'} is not inside ${String(path)} (${stat.size} bytes); allowed: 0 <= start <= end < size`,
      );
    }
    let position = start;
    const stop = end + 1;
    while (position < stop) {
      throwIfAborted(signal);
      const window = hasher.writableWindow();
      const want = Math.min(window.length, stop - position);
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(window, 0, want, sized ? position : null));
      } catch (cause) {
        throw new TreeHashError('ERR_READ_FAILED', `cannot read ${String(path)} at byte ${position}: ${(cause as Error).message}`, { cause });
      }
      if (bytesRead === 0) {
        if (!sized) break;
        throw new TreeHashError('ERR_READ_FAILED', `${String(path)} ended at byte ${position}, before byte ${stop}: was it truncated while being hashed?`);
      }
      hasher.commitWritten(bytesRead);
      position += bytesRead;
    }
    throwIfAborted(signal);
    return streamResult(hasher);
  } finally {
    await handle.close();
  }
}

/**
 * Tree hash and linear SHA-256 of a Node Readable or any (async) iterable of byte chunks. A
 * stream error rejects the promise (never a hang, never a partial hash).
 * @example const { treeHash } = await hashStream(process.stdin);
 */
export async function hashStream(source: Readable | AsyncIterable<unknown> | Iterable<unknown>, options?: HashStreamOptions & { linear?: true }): Promise<Checksums>;
export async function hashStream(source: Readable | AsyncIterable<unknown> | Iterable<unknown>, options: HashStreamOptions & { linear: false }): Promise<TreeChecksum>;
export async function hashStream(source: Readable | AsyncIterable<unknown> | Iterable<unknown>, options?: HashStreamOptions): Promise<Checksums | TreeChecksum>;
export async function hashStream(source: Readable | AsyncIterable<unknown> | Iterable<unknown>, options: HashStreamOptions = {}): Promise<Checksums | TreeChecksum> {
  return hashChunks(source, options);
}
