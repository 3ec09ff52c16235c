// Verifying a download with Web streams (browsers, Deno, Bun, workers, Node's global streams):
// bytes pass through unchanged while their tree hash is computed; a mismatch errors the stream at its end.
// And a Blob or File already downloaded, checked as hashBlob hashes it (also in its Web Worker).
import { type TreeHashLike, toTreeHashBytes } from '../core/digest.js';
import { optionsObject } from '../core/options.js';
import type { Checksums } from '../hash/tree-hasher.js';
import { type VerifyOptions, assertHashedMatches, checkedRange, createTreeHashCheck } from '../retrieval/verify.js';
import type { TreeChecksum } from '../stream/chunks.js';
import { type HashBlobOptions, hashBlob } from './streams.js';

/**
 * A `TransformStream` that passes bytes through and errors at the end when their tree hash is not
 * `expected` (a `TreeHashMismatchError`, code `ERR_TREE_HASH_MISMATCH`).
 * @throws {TreeHashError} `ERR_INVALID_HEX`/`ERR_INVALID_DIGEST` at once for a malformed hash.
 * @example await response.body.pipeThrough(createVerifier(checksum)).pipeTo(fileWritable)
 */
export function createVerifier(expected: TreeHashLike, options?: VerifyOptions): TransformStream<Uint8Array, Uint8Array> {
  const check = createTreeHashCheck(expected, options);
  // `cancel` is in the Streams standard (Node 20.x, current browsers); TypeScript's DOM types lack it yet.
  const transformer: Transformer<Uint8Array, Uint8Array> & { cancel(reason: unknown): void } = {
    transform(chunk, controller) {
      check.update(chunk);
      controller.enqueue(chunk);
    },
    flush() {
      // Throwing here errors the readable side, so pipeTo() rejects after the last byte.
      check.finish();
    },
    // The download was abandoned (its reader cancelled, or the writable side aborted): no verdict,
    // but the hasher's kernel instance goes back to the pool, as the Node verifier's _destroy does.
    // Where a runtime ignores `cancel`, the instance is left to the garbage collector instead.
    cancel() {
      check.abandon();
    },
  };
  return new TransformStream<Uint8Array, Uint8Array>(transformer);
}

/** Options of {@link verifyBlob}: those of `hashBlob` (`worker` too) and of the verifiers (`range`). */
export interface VerifyBlobOptions extends HashBlobOptions, VerifyOptions {}

/**
 * Checks a Blob or File (a downloaded archive or piece of one) against an expected tree hash, hashing
 * it as {@link hashBlob} does: `{ worker: true }` hashes in the library's Web Worker, `onProgress`
 * and `signal` as there. Resolves to the checksums when the tree hash matches: the tree hash only by
 * default, the linear SHA-256 too with `linear: true`.
 * @throws {TreeHashError} `ERR_TREE_HASH_MISMATCH` (a `TreeHashMismatchError`), `ERR_SIZE_MISMATCH`
 *   when a `range` was given and the size differs; `ERR_INVALID_HEX`/`ERR_INVALID_DIGEST` for a
 *   malformed expected hash and `ERR_INVALID_RANGE` for a bad range (before anything is read); and
 *   those of {@link hashBlob}.
 * @example await verifyBlob(downloaded, response.checksum, { worker: true })
 */
export async function verifyBlob(blob: Blob, expected: TreeHashLike, options?: VerifyBlobOptions & { linear?: false }): Promise<TreeChecksum>;
export async function verifyBlob(blob: Blob, expected: TreeHashLike, options: VerifyBlobOptions & { linear: true }): Promise<Checksums>;
export async function verifyBlob(blob: Blob, expected: TreeHashLike, options?: VerifyBlobOptions): Promise<Checksums | TreeChecksum>;
export async function verifyBlob(blob: Blob, expected: TreeHashLike, given?: VerifyBlobOptions): Promise<Checksums | TreeChecksum> {
  const want = toTreeHashBytes(expected, 'expected tree hash');
  const { range, ...options } = optionsObject<VerifyBlobOptions>(given, 'the options of verifyBlob');
  const checked = checkedRange(range);
  const hashed = await hashBlob(blob, { ...options, linear: options.linear ?? false });
  assertHashedMatches(hashed.size, hashed.treeHash, want, checked);
  return hashed;
}
