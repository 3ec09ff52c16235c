// Combining digests into the Glacier tree on the kernel's stack (no bytes, no I/O).
import { checkDigest } from '../core/digest.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { pushDigest, treeRoot } from '../kernel/drive.js';
import { acquireKernel, releaseKernel } from '../kernel/wasm.js';

/**
 * The Glacier tree over given digests, in order: pairs are hashed level by level and an unpaired
 * node is carried up unchanged. Given leaf digests it gives the tree hash; given the tree hashes of
 * multipart parts of one 2^k MiB part size (the last may be shorter) it gives the archive's tree
 * hash; one digest is returned unchanged.
 * @throws {TreeHashError} `ERR_INVALID_INPUT` for no digests, `ERR_INVALID_DIGEST` for one that is not 32 bytes.
 * @example combineTreeHashes([leaf0, leaf1, leaf2])
 */
export function combineTreeHashes(digests: readonly Uint8Array[]): Uint8Array {
  if (!Array.isArray(digests) || digests.length === 0) {
    throw new TreeHashError('ERR_INVALID_INPUT', `combineTreeHashes needs at least one digest, got ${describeValue(digests)}`);
  }
  // An index loop: forEach skips the holes of a sparse array, which for...of then yields as undefined.
  for (let i = 0; i < digests.length; i++) checkDigest(digests[i], `digests[${i}]`);
  const kernel = acquireKernel();
  try {
    kernel.exports.init(0);
    // Each digest is pushed as a level-0 node: the same binary-counter stack as for leaves.
    for (const digest of digests) pushDigest(kernel, digest);
    kernel.exports.finish();
    return treeRoot(kernel);
  } finally {
    releaseKernel(kernel);
  }
}
