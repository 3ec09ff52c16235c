// Files cut into multipart parts: positional reads, the next read in flight while the current
// chunk is hashed. With the defaults (savePoint 'part', node:crypto, the whole file's SHA-256 from
// node:crypto or none) and a file of PARALLEL_THRESHOLD bytes or more, the bytes go through
// hashFile's pipeline (pool/pipeline.ts): the leaves on the workers, the whole file's SHA-256 on
// a worker of its own, each part's linear SHA-256 on this thread, so the three passes share the
// cores. Otherwise (small files, Wasm engines, savePoint 'byte', a supplied `linear` function, a
// restored state inside a part) everything runs on this thread, through the core's PartHasher.
import { stat } from 'node:fs/promises';
import { MiB } from '../core/constants.js';
import { TreeHashError } from '../core/errors.js';
import { resolveEngine } from '../hash/engine.js';
import { hashPartsOf, partsOptions } from '../upload/run.js';
import type { HashPartsOptions, PartHashing, PartPipelineFactory } from '../upload/types.js';
import { nodeSha256 } from './crypto.js';
import { checkUnchanged, openFile, readFailedAt, truncatedAt } from './open-file.js';
import { PARALLEL_THRESHOLD, Pipeline } from './pool/pipeline.js';

export { nodeSha256 };

/** Bytes per read: the kernel's input window. */
const READ_SIZE = 4 * MiB;

/** The file's bytes from `start` on, in chunks of up to READ_SIZE; `onSize` gets the bytes left to read (Infinity for a pipe) before the first chunk. */
async function* fileChunks(path: string | URL | Buffer, start: number, onSize?: (remaining: number) => void): AsyncGenerator<Uint8Array, void, undefined> {
  const { handle, stat } = await openFile(path);
  try {
    // Pipes and devices have no size, and pseudo-files (/proc) say 0: read them to EOF, and only
    // from their beginning.
    const sized = stat.isFile() && (stat.size > 0 || start > 0);
    if (!sized && start > 0) {
      throw new TreeHashError('ERR_INVALID_RANGE', `${String(path)} is not a regular file, so it cannot be resumed at byte ${start}`);
    }
    if (sized && start > stat.size) {
      throw new TreeHashError('ERR_INVALID_RANGE', `the resumed parts cover ${start} bytes, more than ${String(path)}'s ${stat.size} bytes`);
    }
    const stop = sized ? stat.size : Infinity;
    onSize?.(stop - start);
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
          throw readFailedAt(path, at, cause);
        });
    };
    let next = position < stop ? read(position) : undefined;
    try {
      while (next !== undefined) {
        const bytes = await next;
        next = undefined;
        if (bytes.length === 0) {
          if (!sized) break;
          throw truncatedAt(path, position, stop);
        }
        position += bytes.length;
        if (position < stop) next = read(position);
        // Before the last bytes are handed on (the last part is hashed from them): grown or written to while read?
        else if (sized) checkUnchanged(path, stat, await handle.stat(), true);
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
 * `linear` says otherwise. From 8 MiB on (with savePoint 'part', engine 'auto' or 'native' and
 * `linear` true or false) the hashing is spread over hashFile's worker pool, which never keeps the
 * process alive.
 * @throws {TreeHashError} at the call: the codes of `createPartHasher`. While iterating:
 *   `ERR_READ_FAILED` (the fs error as `cause`), `ERR_FILE_CHANGED` (the file grew, shrank or was
 *   written to while read), `ERR_INVALID_RANGE` (resumed parts beyond the file), `ERR_EMPTY_ARCHIVE`,
 *   `ERR_TOO_MANY_PARTS`, `ERR_ABORTED`, `ERR_WORKER_FAILED` (a worker thread died).
 * @example
 * const hashing = hashFileParts('backup.tar', { partSize: 64 * MiB });
 * for await (const part of hashing) {
 *   console.log(part.contentRange, toHex(part.treeHash), toHex(part.sha256));
 * }
 * const { treeHash, size } = await hashing.done();
 */
export function hashFileParts(path: string | URL | Buffer, given: HashPartsOptions): PartHashing {
  const options = partsOptions(given, 'hashFileParts');
  const linear = options.linear ?? true;
  // The size is only for progress; a file that cannot be stat'ed fails at the open, with its error.
  const fileSize = () =>
    stat(path).then(
      (stats) => (stats.isFile() ? stats.size : undefined),
      () => undefined,
    );
  let remaining = 0; // what the open file has left to read, known by the first chunk
  // Asked once the options are checked (the pipeline is wanted after the first chunk).
  const poolable = () => typeof linear === 'boolean' && resolveEngine(options.engine, 'unsaved', nodeSha256).leaves === 'native';
  return hashPartsOf(
    (start) => fileChunks(path, start, (left) => void (remaining = left)),
    { ...options, linear: linear === true ? nodeSha256 : linear },
    fileSize,
    // A pipe (remaining: Infinity) stays on this thread, as hashFile's streams of unknown size start there.
    () => (poolable() && remaining >= PARALLEL_THRESHOLD && remaining !== Infinity ? pooledParts(remaining) : undefined),
  );
}

/** Part hashing on hashFile's pipeline: see the top of this file. */
function pooledParts(expectedSize: number): PartPipelineFactory {
  return ({ whole, onHashed }) => {
    const pipeline = new Pipeline({ linear: true, leaves: 'native', whole, onHashed }, expectedSize);
    return {
      update: (piece) => pipeline.update(piece),
      cut: () => pipeline.cut(),
      close: () => pipeline.close(),
      abandon: () => pipeline.abandon(),
    };
  };
}
