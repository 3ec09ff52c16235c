// One-shot hashing of bytes at hand: the tree hash, both checksums, the plain SHA-256.
import { type BytesLike, toBytes } from '../core/bytes.js';
import { optionsObject } from '../core/options.js';
import { LEAF_SIZE } from '../core/constants.js';
import { absorbAll, linearDigest, pushDigest, treeRoot } from '../kernel/drive.js';
import { FLAG_LINEAR, FLAG_NO_TREE, acquireKernel, releaseKernel } from '../kernel/wasm.js';
import { type EngineOptions, type LinearHashFactory, resolveEngine } from './engine.js';
import { type Checksums, KernelTreeHasher, createChecksums } from './tree-hasher.js';

/** The SHA-256 of `bytes` with a fresh hash from `native`, as a plain Uint8Array (node:crypto gives a Buffer). */
function nativeDigest(native: LinearHashFactory, bytes: Uint8Array): Uint8Array {
  const hash = native();
  hash.update(bytes);
  return new Uint8Array(hash.digest());
}

/**
 * One-shot hashing with node:crypto, straight from `bytes` (no copy into Wasm memory): each leaf's
 * digest goes onto the kernel's stack, which builds the tree; the linear SHA-256 is a second pass.
 */
function nativeOneShot(bytes: Uint8Array, native: LinearHashFactory, linear: boolean): Checksums {
  const kernel = acquireKernel();
  try {
    kernel.exports.init(0);
    for (let offset = 0; offset < bytes.length; offset += LEAF_SIZE) pushDigest(kernel, nativeDigest(native, bytes.subarray(offset, offset + LEAF_SIZE)));
    kernel.exports.finish(); // empty input: the one empty leaf
    return { size: bytes.length, treeHash: treeRoot(kernel), sha256: linear ? nativeDigest(native, bytes) : new Uint8Array(0) };
  } finally {
    releaseKernel(kernel);
  }
}

/**
 * The Glacier tree hash of `data` (32 bytes). Empty input gives SHA-256 of the empty string, as
 * botocore and the AWS Java reference do.
 * @throws {TreeHashError} `ERR_INVALID_INPUT` for data that is not bytes; `ERR_INVALID_OPTION` /
 * `ERR_ENGINE_UNAVAILABLE` for an unknown or absent engine.
 * @example toHex(treeHash(new TextEncoder().encode('Welcome to Amazon Glacier.')))
 */
export function treeHash(data: BytesLike, options?: EngineOptions): Uint8Array {
  const bytes = toBytes(data);
  const { engine, native } = resolveEngine(optionsObject<EngineOptions>(options, 'the options of treeHash').engine);
  if (native !== undefined) return nativeOneShot(bytes, native, false).treeHash;
  return new KernelTreeHasher({ engine }).update(bytes).digest();
}

/**
 * The tree hash and the linear SHA-256 of `data`, in one pass (two with engine native, each
 * at node:crypto speed).
 * @throws {TreeHashError} as {@link treeHash}.
 * @example const { treeHash, sha256, size } = computeChecksums(body);
 */
export function computeChecksums(data: BytesLike, options?: EngineOptions): Checksums {
  const bytes = toBytes(data);
  const { engine, native } = resolveEngine(optionsObject<EngineOptions>(options, 'the options of computeChecksums').engine);
  if (native !== undefined) return nativeOneShot(bytes, native, true);
  return createChecksums({ engine }).update(bytes).digestChecksums();
}

/**
 * Plain SHA-256 (the linear hash, `x-amz-content-sha256`).
 * @throws {TreeHashError} as {@link treeHash}.
 * @example toHex(sha256('abc'))
 */
export function sha256(data: BytesLike, options?: EngineOptions): Uint8Array {
  const bytes = toBytes(data);
  const resolved = resolveEngine(optionsObject<EngineOptions>(options, 'the options of sha256').engine);
  if (resolved.native !== undefined) return nativeDigest(resolved.native, bytes);
  const kernel = acquireKernel(resolved.build);
  kernel.exports.init(FLAG_LINEAR | FLAG_NO_TREE);
  absorbAll(kernel, bytes);
  kernel.exports.finish();
  const out = linearDigest(kernel);
  releaseKernel(kernel);
  return out;
}
