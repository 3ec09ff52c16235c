// Opening a file to hash, one way for every Node adapter: the errors of a file that cannot be
// opened, read, or is a directory, and whether it has a size (pipes, sockets and devices do not).
import { type FileHandle, open } from 'node:fs/promises';
import { TreeHashError } from '../core/errors.js';

/** A file opened for reading; the caller closes `handle`. */
export interface OpenedFile {
  readonly handle: FileHandle;
  /** A regular file's size; `undefined` for a pipe, socket or device (e.g. /dev/fd/N), read to EOF. */
  readonly size: number | undefined;
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
    throw new TreeHashError('ERR_READ_FAILED', `cannot open ${String(path)}: ${(cause as Error).message}`, { cause });
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) {
      const cause = Object.assign(new Error('EISDIR: illegal operation on a directory, read'), { code: 'EISDIR' });
      throw new TreeHashError('ERR_READ_FAILED', `cannot hash ${String(path)}: it is a directory`, { cause });
    }
    return { handle, size: stat.isFile() ? stat.size : undefined };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** The error of a read of `path` that failed at byte `at`. */
export function readFailedAt(path: string | URL | Buffer, at: number, cause: unknown): TreeHashError {
  return new TreeHashError('ERR_READ_FAILED', `cannot read ${String(path)} at byte ${at}: ${(cause as Error).message}`, { cause });
}

/** The error of a regular file that ended at byte `position`, before byte `stop`. */
export function truncatedAt(path: string | URL | Buffer, position: number, stop: number): TreeHashError {
  return new TreeHashError('ERR_READ_FAILED', `${String(path)} ended at byte ${position}, before byte ${stop}: was it truncated while being hashed?`);
}
