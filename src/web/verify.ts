// Verifying a download with Web streams (browsers, Deno, Bun, workers, Node's global streams):
// bytes pass through unchanged while their tree hash is computed; a mismatch errors the stream at its end.
import { type TreeHashLike } from '../core/digest.js';
import { type VerifyOptions, createTreeHashCheck } from '../retrieval/verify.js';

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
