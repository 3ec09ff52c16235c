// Pure tree math over digests (no bytes, no I/O).
import { TreeHashError, describeValue } from '../core/errors.js';
import { checkDigest } from './tree-hasher.js';
import { acquireKernel, releaseKernel } from '../kernel/wasm.js';
import { DIGEST_LENGTH } from '../core/constants.js';

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
  digests.forEach((digest, i) => checkDigest(digest, `digests[${i}]`));
  const kernel = acquireKernel();
  try {
    kernel.exports.init(0);
    // Each digest is pushed as a level-0 node: the same binary-counter stack as for leaves.
    for (const digest of digests) {
      kernel.memory.set(digest, kernel.nodeInputPtr);
      kernel.exports.pushNode(0);
    }
    kernel.exports.finish();
    return kernel.memory.slice(kernel.outputPtr, kernel.outputPtr + DIGEST_LENGTH);
  } finally {
    releaseKernel(kernel);
  }
}
