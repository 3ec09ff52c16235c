// Files cut into multipart parts: positional reads, the next read in flight while the current
// chunk is hashed; each part's checksums (savePoint 'part', the default here) and the whole file's
// SHA-256 on node:crypto, all on this thread (leaves on hashFile's worker pool were tried: no
// faster in a measurement with the second core shared, so not worth the second code path).
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { MiB } from '../constants.js';
import { TreeHashError } from '../errors.js';
import { type HashPartsOptions, type LinearHash, type PartHashing, hashPartsOf } from '../parts.js';

/** Bytes per read: the kernel's input window. */
const READ_SIZE = 4 * MiB;

/** node:crypto's SHA-256 as a {@link LinearHash}. */
export function nodeSha256(): LinearHash {
  const hash = createHash('sha256');
  return {
    update: (bytes) => hash.update(bytes),
    digest: () => new Uint8Array(hash.digest()),
  };
}

async function* fileChunks(path: string | URL, start: number): AsyncGenerator<Uint8Array, void, undefined> {
  let handle;
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
    // Pipes and devices have no size: read them to EOF, and only from their beginning.
    const sized = stat.isFile();
    if (!sized && start > 0) {
      throw new TreeHashError('ERR_INVALID_RANGE', `${String(path)} is not a regular file, so it cannot be resumed at byte ${start}`);
    }
    if (sized && start > stat.size) {
      throw new TreeHashError('ERR_INVALID_RANGE', `the resumed parts cover ${start} bytes, more than ${String(path)}'s ${stat.size} bytes`);
    }
    const stop = sized ? stat.size : Infinity;
    // Two buffers: one is being hashed by the consumer while the other is filled.
    const buffers = [new Uint8Array(READ_SIZE), new Uint8Array(READ_SIZE)];
    let turn = 0;
    let position = start;
    const read = (at: number) => {
      const buffer = buffers[turn]!;
      turn ^= 1;
      return handle
        .read(buffer, 0, Math.min(READ_SIZE, stop - at), sized ? at : null)
        .then(({ bytesRead }) => buffer.subarray(0, bytesRead))
        .catch((cause: unknown) => {
          throw new TreeHashError('ERR_READ_FAILED', `cannot read ${String(path)} at byte ${at}: ${(cause as Error).message}`, { cause });
        });
    };
    let next = position < stop ? read(position) : undefined;
    try {
      while (next !== undefined) {
        const bytes = await next;
        next = undefined;
        if (bytes.length === 0) {
          if (!sized) break;
          throw new TreeHashError('ERR_READ_FAILED', `${String(path)} ended at byte ${position}, before byte ${stop}: was it truncated while being hashed?`);
        }
        position += bytes.length;
        if (position < stop) next = read(position);
        yield bytes;
      }
    } finally {
      // The consumer stopped early (break, error): the read ahead is not wanted, nor its failure.
      next?.catch(() => {});
    }
  } finally {
    await handle.close();
  }
}

/**
 * Part checksums of a file (see `hashParts` in the core for what is yielded and `done()`). With
 * `resumeFrom` (the tree hashes of parts already uploaded, e.g. from `resumeFromListParts`), reading
 * starts after those parts; with `restore` (a state from `save()`), at the saved byte. The whole file's SHA-256 is computed with node:crypto unless
 * `linear` says otherwise.
 * @throws {TreeHashError} at the call: the codes of `createPartHasher`. While iterating:
 *   `ERR_READ_FAILED` (the fs error as `cause`), `ERR_INVALID_RANGE` (resumed parts beyond the file),
 *   `ERR_EMPTY_ARCHIVE`, `ERR_TOO_MANY_PARTS`, `ERR_ABORTED`.
 * @example
 * const hashing = hashFileParts('backup.tar', { partSize: 64 * MiB });
 * for await (const part of hashing) {
 *   console.log(part.contentRange, toHex(part.treeHash), toHex(part.sha256));
 * }
 * const { treeHash, size } = await hashing.done();
 */
export function hashFileParts(path: string | URL, options: HashPartsOptions): PartHashing {
  const linear = options?.linear ?? true;
  // The size is only for progress; a file that cannot be stat'ed fails at the open, with its error.
  const fileSize = () => stat(path).then((stats) => (stats.isFile() ? stats.size : undefined), () => undefined);
  return hashPartsOf((start) => fileChunks(path, start), { ...options, linear: linear === true ? nodeSha256 : linear }, fileSize);
}
