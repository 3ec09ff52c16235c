// The errors of reading a file, worded once for every reader (hashFile, hashFileParts, hashFiles
// and the pool's workers), and the check that a file did not change while it was read.
import type { Stats } from 'node:fs';
import { TreeHashError } from '../errors.js';

export function openFailed(path: string | URL, cause: unknown): TreeHashError {
  return new TreeHashError('ERR_READ_FAILED', `cannot open ${String(path)}: ${(cause as Error).message}`, { cause });
}

export function isDirectory(path: string | URL): TreeHashError {
  const cause = Object.assign(new Error('EISDIR: illegal operation on a directory, read'), { code: 'EISDIR' });
  return new TreeHashError('ERR_READ_FAILED', `cannot hash ${String(path)}: it is a directory`, { cause });
}

export function readFailed(path: string | URL, position: number, cause: unknown): TreeHashError {
  return new TreeHashError('ERR_READ_FAILED', `cannot read ${String(path)} at byte ${position}: ${(cause as Error).message}`, { cause });
}

/** The file ended before the size it had when reading began. */
export function fileShrank(path: string | URL, position: number, stop: number): TreeHashError {
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
export function checkUnchanged(path: string | URL, before: Pick<Stats, 'size' | 'mtimeMs'>, after: Pick<Stats, 'size' | 'mtimeMs'>, whole: boolean): void {
  // A range that ends before the end is not affected by appends (a file still being downloaded);
  // one that ended early was caught by the read.
  if (!whole) return;
  if (after.size > before.size) {
    throw new TreeHashError(
      'ERR_FILE_CHANGED',
      `${String(path)} grew from ${before.size} to ${after.size} bytes while being hashed: the hash covers only the first ${before.size}`,
    );
  }
  if (after.size < before.size) throw fileShrank(path, after.size, before.size);
  if (after.mtimeMs !== before.mtimeMs) {
    throw new TreeHashError('ERR_FILE_CHANGED', `${String(path)} was modified while being hashed (its modification time changed)`);
  }
}
