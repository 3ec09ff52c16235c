// Verifying a download in a Node pipeline: bytes pass through unchanged (to a file, say) while
// their tree hash is computed; at the end of the stream a mismatch fails the pipeline.
import { Transform, type TransformCallback } from 'node:stream';
import { TreeHashError } from '../core/errors.js';
import { type TreeHashCheck, type VerifyOptions, createTreeHashCheck } from '../retrieval/verify.js';
import { type TreeHashLike } from '../core/digest.js';

/**
 * A Node `Transform` that passes bytes through and checks their tree hash when the input ends.
 * On mismatch the stream errors with a `TreeHashMismatchError` (code `ERR_TREE_HASH_MISMATCH`), so
 * `pipeline()` rejects — after the bytes were written: delete or quarantine the output then.
 * After a successful end, `treeHash` holds the verified digest.
 * @example await pipeline(body, new TreeHashVerifier(checksum), createWriteStream('out.bin'))
 */
export class TreeHashVerifier extends Transform {
  readonly #check: TreeHashCheck;
  #treeHash: Uint8Array | undefined;

  constructor(expected: TreeHashLike, options?: VerifyOptions) {
    super();
    this.#check = createTreeHashCheck(expected, options);
  }

  /** The verified tree hash, once the stream has ended without error. */
  get treeHash(): Uint8Array | undefined {
    return this.#treeHash;
  }

  override _transform(chunk: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#check.update(chunk as Uint8Array);
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.#treeHash = this.#check.finish();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    try {
      this.#check.abandon();
    } catch (cause) {
      if (!(cause instanceof TreeHashError)) throw cause;
    }
    callback(error);
  }
}

/**
 * A pass-through `Transform` that fails at the end when the bytes' tree hash is not `expected`.
 * @throws {TreeHashError} `ERR_INVALID_HEX`/`ERR_INVALID_DIGEST` at once for a malformed hash; the
 *   stream errors with `ERR_TREE_HASH_MISMATCH` or `ERR_SIZE_MISMATCH` at its end.
 * @example await pipeline(response.body, createVerifier(response.checksum), createWriteStream('part.bin'))
 */
export function createVerifier(expected: TreeHashLike, options?: VerifyOptions): TreeHashVerifier {
  return new TreeHashVerifier(expected, options);
}
