// The plain SHA-256 on the Wasm kernel, incremental and savable: the linear hash of engines that
// hash leaves elsewhere, a multipart upload's whole-archive hash, a manifest's check.
import { TreeHashError } from '../core/errors.js';
import { absorbAll, linearDigest } from '../kernel/drive.js';
import { loadKernelState, saveKernelState } from '../kernel/state.js';
import { FLAG_LINEAR, FLAG_NO_TREE, type Kernel, type KernelBuild, acquireKernel, releaseKernel } from '../kernel/wasm.js';
import type { LinearHash } from './engine.js';

/**
 * @internal An incremental plain SHA-256 on the Wasm kernel, without the tree (FLAG_NO_TREE): for
 * engines that hash leaves elsewhere, and for a multipart upload's whole-archive hash, which
 * `save()` carries (same state format as `TreeHasher.save()`; a TreeHasher refuses it).
 * `digest()` gives the kernel instance back.
 */
export class LinearSha256 implements LinearHash {
  #kernel: Kernel | undefined;
  #size = 0;

  /** Use {@link createLinearSha256} or {@link restoreLinearSha256}. `build`: which kernel (default: Wasm, else JavaScript). */
  constructor(kernel?: Kernel, build: KernelBuild | 'auto' = 'auto') {
    this.#kernel = kernel ?? acquireKernel(build);
    if (kernel === undefined) this.#kernel.exports.init(FLAG_LINEAR | FLAG_NO_TREE);
  }

  /** Bytes hashed so far. */
  get size(): number {
    return this.#size;
  }

  #live(method: string): Kernel {
    if (this.#kernel === undefined) throw new TreeHashError('ERR_HASH_FINALIZED', `${method}() was called after digest()`);
    return this.#kernel;
  }

  update(bytes: Uint8Array): void {
    absorbAll(this.#live('update'), bytes);
    this.#size += bytes.length;
  }

  digest(): Uint8Array {
    const kernel = this.#live('digest');
    this.#kernel = undefined;
    kernel.exports.finish();
    const out = linearDigest(kernel);
    releaseKernel(kernel);
    return out;
  }

  /** The state as bytes, for {@link restoreLinearSha256}. */
  save(): Uint8Array {
    return saveKernelState(this.#live('save'), this.#size, false);
  }

  /** @internal Use {@link restoreLinearSha256}. */
  static restore(state: Uint8Array): LinearSha256 {
    const kernel = acquireKernel();
    const accept = (flags: number) => flags === (FLAG_LINEAR | FLAG_NO_TREE) || flags === FLAG_LINEAR;
    const { size, closed } = loadKernelState(state, kernel, 'linear SHA-256', accept);
    if (closed) {
      releaseKernel(kernel);
      throw new TreeHashError('ERR_INVALID_STATE', 'cannot restore the linear SHA-256: the state holds appended tree hashes, not bytes');
    }
    // A TreeHasher's state (saved before the tree-less mode) goes on without its tree: the flags
    // are the state region's first word.
    new DataView(kernel.memory.buffer, kernel.statePtr, 4).setUint32(0, FLAG_LINEAR | FLAG_NO_TREE, true);
    const hash = new LinearSha256(kernel);
    hash.#size = size;
    return hash;
  }
}

/** @internal See {@link LinearSha256}. */
export function createLinearSha256(build: KernelBuild | 'auto' = 'auto'): LinearSha256 {
  return new LinearSha256(undefined, build);
}

/**
 * @internal Continues a {@link LinearSha256} from its `save()` bytes, or the linear SHA-256 of a
 * `linear: true` TreeHasher's state (its tree is dropped: states saved before the tree-less mode).
 * @throws {TreeHashError} `ERR_INVALID_STATE` for bytes that are not such a state of this kernel build.
 */
export function restoreLinearSha256(state: Uint8Array): LinearSha256 {
  return LinearSha256.restore(state);
}
