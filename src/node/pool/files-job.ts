// Many files, one per claim (worker side of hashFiles, src/node/many.ts): each worker claims the
// next index from a shared counter and hashes that file whole with synchronous reads — no
// per-file promise, no message per file (results go back in batches). A file of one leaf needs one
// SHA-256: its tree hash is its linear hash. Files that are large (the main thread's pipeline
// spreads them over every core) or not regular files (pipes, devices) are left to the main thread.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { LEAF_SIZE } from '../../core/constants.js';
import { checkUnchanged, directoryError, openFailed, readFailedAt, trustedSize, truncatedAt } from '../open-file.js';
import type { SerializedError } from './protocol.js';

/** Control words of a files job (Int32Array). */
export const FILES_NEXT = 0; // the next index to claim
export const FILES_LIMIT = 1; // claim no index at or past this one (the main thread moves it as it emits)
export const FILES_STOP = 2; // 1: leave after the file at hand
export const FILES_WORDS = 3;

export interface FilesJob {
  readonly kind: 'files';
  /** null: a path the main thread hashes itself (its outcome is `deferred`). */
  readonly paths: readonly (string | Uint8Array | null)[];
  readonly control: SharedArrayBuffer;
  readonly linear: boolean;
  /** Files of at least this many bytes are left to the main thread. */
  readonly deferFrom: number;
  readonly idleMs: number;
}

/** One file's outcome: checksums, an error, or "the main thread hashes this one". */
export type FileOutcome =
  { readonly size: number; readonly treeHash: Uint8Array; readonly sha256?: Uint8Array } | { readonly error: SerializedError } | { readonly deferred: true };

/** A batch of outcomes, by index. */
export type FilesBatch = [index: number, outcome: FileOutcome][];

/**
 * A batch as sent: the checksums packed into one transferred buffer (a message of thousands of
 * small Uint8Arrays costs more to clone and collect than the hashing of small files), the rest as is.
 */
export interface PackedBatch {
  readonly indexes: Int32Array;
  readonly sizes: Float64Array;
  /** 64 bytes per file: the tree hash, then the linear SHA-256 (when asked for). */
  readonly digests: Uint8Array;
  readonly others: FilesBatch;
}

export function packBatch(batch: FilesBatch, linear: boolean): PackedBatch {
  const hashed = batch.filter(([, outcome]) => 'treeHash' in outcome) as [number, { size: number; treeHash: Uint8Array; sha256?: Uint8Array }][];
  const indexes = new Int32Array(hashed.length);
  const sizes = new Float64Array(hashed.length);
  const digests = new Uint8Array(hashed.length * 64);
  hashed.forEach(([index, { size, treeHash, sha256 }], i) => {
    indexes[i] = index;
    sizes[i] = size;
    digests.set(treeHash, i * 64);
    if (linear) digests.set(sha256!, i * 64 + 32);
  });
  return { indexes, sizes, digests, others: batch.filter(([, outcome]) => !('treeHash' in outcome)) };
}

export function unpackBatch(packed: PackedBatch, linear: boolean): FilesBatch {
  const batch: FilesBatch = [...packed.others];
  packed.indexes.forEach((index, i) => {
    const treeHash = packed.digests.subarray(i * 64, i * 64 + 32);
    const size = packed.sizes[i]!;
    batch.push([index, linear ? { size, treeHash, sha256: packed.digests.subarray(i * 64 + 32, i * 64 + 64) } : { size, treeHash }]);
  });
  return batch;
}

const BATCH = 64;

export function runFilesJob(job: FilesJob, post: (batch: PackedBatch) => void, serialize: (error: unknown) => SerializedError): 'done' | 'idle' | 'stopped' {
  const control = new Int32Array(job.control);
  const buffer = new Uint8Array(LEAF_SIZE);
  let batch: FilesBatch = [];
  const flush = (): void => {
    if (batch.length > 0) post(packBatch(batch, job.linear));
    batch = [];
  };
  try {
    for (;;) {
      if (Atomics.load(control, FILES_STOP) !== 0) return 'stopped';
      const next = Atomics.load(control, FILES_NEXT);
      if (next >= job.paths.length) return 'done';
      const limit = Atomics.load(control, FILES_LIMIT);
      if (next >= limit) {
        flush();
        if (Atomics.wait(control, FILES_LIMIT, limit, job.idleMs) === 'timed-out') return 'idle';
        continue;
      }
      const index = Atomics.add(control, FILES_NEXT, 1);
      if (index >= job.paths.length) return 'done';
      const raw = job.paths[index]!;
      let outcome: FileOutcome;
      if (raw === null) outcome = { deferred: true };
      else {
        const path = typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
        try {
          outcome = hashFileSync(path, job.linear, job.deferFrom, buffer);
        } catch (error) {
          outcome = { error: serialize(error) };
        }
      }
      batch.push([index, outcome]);
      if (batch.length >= BATCH) flush();
    }
  } finally {
    flush();
  }
}

/** Tree hash (and linear SHA-256) of one file read whole on this thread; `deferred` for large and non-regular files. */
export function hashFileSync(path: string | Buffer, linear: boolean, deferFrom: number, buffer: Uint8Array): FileOutcome {
  const name = String(path);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (cause) {
    throw openFailed(name, cause);
  }
  try {
    const before = fstatSync(fd);
    if (before.isDirectory()) throw directoryError(name);
    if (!before.isFile() || before.size >= deferFrom) return { deferred: true };
    // A size of 0 may be a pseudo-file's (/proc/version): read to the end whatever the size says.
    const sized = trustedSize(before);
    const stop = sized ? before.size : Infinity;
    const leaves: Uint8Array[] = [];
    // One leaf (known from the size): the linear hash is the leaf's, so it is not computed twice.
    const whole = linear && !(sized && stop <= LEAF_SIZE) ? createHash('sha256') : undefined;
    let position = 0;
    let ended = false;
    while (!ended && position < stop) {
      // One leaf at a time: fill the buffer up to 1 MiB (or the end), then hash it.
      let fill = 0;
      const want = Math.min(LEAF_SIZE, stop - position);
      while (fill < want) {
        let n: number;
        try {
          n = readSync(fd, buffer, fill, want - fill, null);
        } catch (cause) {
          throw readFailedAt(name, position + fill, cause);
        }
        if (n === 0) {
          ended = true;
          break;
        }
        fill += n;
      }
      if (fill === 0 && position > 0) break;
      const leaf = buffer.subarray(0, fill);
      leaves.push(new Uint8Array(createHash('sha256').update(leaf).digest()));
      whole?.update(leaf);
      position += fill;
    }
    if (sized && position < stop) {
      // Ended early: a truncation, or a pseudo-file whose size is a guess (sysfs says 4096).
      const now = fstatSync(fd);
      if (now.size !== before.size || now.mtimeMs !== before.mtimeMs) throw truncatedAt(name, position, stop);
    } else if (sized) {
      checkUnchanged(name, before, fstatSync(fd), true);
    }
    const treeHash = rootOf(leaves);
    if (!linear) return { size: position, treeHash };
    // One leaf: the tree hash is the linear hash.
    return { size: position, treeHash, sha256: whole === undefined ? treeHash : new Uint8Array(whole.digest()) };
  } finally {
    closeSync(fd);
  }
}

/** The tree over leaf digests (at least one: an empty file has the empty leaf's). */
function rootOf(leaves: Uint8Array[]): Uint8Array {
  let level = leaves;
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2)
      next.push(
        new Uint8Array(
          createHash('sha256')
            .update(level[i]!)
            .update(level[i + 1]!)
            .digest(),
        ),
      );
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}
