// Opening and reading a file to hash, one way for every Node reader (hashFile, hashFileParts,
// hashFiles and the pool's workers): the errors of a file that cannot be opened, read, or is a
// directory, whether it has a size to trust (pipes, sockets, devices and pseudo-files do not), and
// the check that a file did not change while it was read.
import type { Stats } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { TreeHashError } from '../core/errors.js';

/** A file opened for reading; the caller closes `handle`. */
export interface OpenedFile {
  readonly handle: FileHandle;
  /** A regular file's size; `undefined` for a pipe, socket or device (e.g. /dev/fd/N), read to EOF. */
  readonly size: number | undefined;
  /** The file's stat at the open (size and modification time, for {@link checkUnchanged}). */
  readonly stat: Stats;
}

/**
 * Opens `path` for reading and checks what it is.
 * @throws {TreeHashError} `ERR_READ_FAILED` (the fs error as `cause`) when it cannot be opened or is a directory.
 */
export async function openFile(path: string | URL | Buffer): Promise<OpenedFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw openFailed(path, cause);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw directoryError(path);
    return { handle, size: stat.isFile() ? stat.size : undefined, stat };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** The error of a file that could not be opened. */
export function openFailed(path: string | URL | Buffer, cause: unknown): TreeHashError {
  return new TreeHashError('ERR_READ_FAILED', `cannot open ${String(path)}: ${(cause as Error).message}`, { cause });
}

/** The error of a path that names a directory. */
export function directoryError(path: string | URL | Buffer): TreeHashError {
  const cause = Object.assign(new Error('EISDIR: illegal operation on a directory, read'), { code: 'EISDIR' });
  return new TreeHashError('ERR_READ_FAILED', `cannot hash ${String(path)}: it is a directory`, { cause });
}

/** The error of a read of `path` that failed at byte `at`. */
export function readFailedAt(path: string | URL | Buffer, at: number, cause: unknown): TreeHashError {
  return new TreeHashError('ERR_READ_FAILED', `cannot read ${String(path)} at byte ${at}: ${(cause as Error).message}`, { cause });
}

/** The error of a regular file that ended at byte `position`, before byte `stop` (the size it had when reading began). */
export function truncatedAt(path: string | URL | Buffer, position: number, stop: number): TreeHashError {
  return new TreeHashError('ERR_FILE_CHANGED', `${String(path)} ended at byte ${position}, before byte ${stop}: it was truncated while being hashed`);
}

/**
 * Whether a regular file's size can be trusted to say how much there is to read. Files of
 * pseudo-filesystems (/proc, /sys) report 0 (or a page) and hold more or less: those whose size
 * is 0 are read to their end instead.
 */
export function trustedSize(stat: Pick<Stats, 'isFile' | 'size'>): boolean {
  return stat.isFile() && stat.size > 0;
}

/**
 * After the last read of a file that was read up to the size it had at the start (`before`):
 * ERR_FILE_CHANGED when it has grown since, or its modification time moved (it was written to
 * while being hashed, so the hash may mix old and new bytes). `whole`: the read went to the end
 * of the file (not a range that stops earlier); a range is not checked.
 */
export function checkUnchanged(
  path: string | URL | Buffer,
  before: Pick<Stats, 'size' | 'mtimeMs'>,
  after: Pick<Stats, 'size' | 'mtimeMs'>,
  whole: boolean,
): void {
  // A range that ends before the end is not affected by appends (a file still being downloaded);
  // one that ended early was caught by the read.
  if (!whole) return;
  if (after.size > before.size) {
    throw new TreeHashError(
      'ERR_FILE_CHANGED',
      `${String(path)} grew from ${before.size} to ${after.size} bytes while being hashed: the hash covers only the first ${before.size}`,
    );
  }
  if (after.size < before.size) throw truncatedAt(path, after.size, before.size);
  if (after.mtimeMs !== before.mtimeMs) {
    throw new TreeHashError('ERR_FILE_CHANGED', `${String(path)} was modified while being hashed (its modification time changed)`);
  }
}
