// The plain SHA-256 on the Wasm kernel, incremental and savable: the linear hash of engines that
// hash leaves elsewhere, a multipart upload's whole-archive hash, a manifest's check.
import { TreeHashError } from '../core/errors.js';
import type { KernelRecord } from '../core/saved-state.js';
import { absorbAll, linearDigest } from '../kernel/drive.js';
import { kernelRecord, loadRecord } from '../kernel/state.js';
import { FLAG_LINEAR, FLAG_NO_TREE, type Kernel, type KernelBuild, acquireKernel, releaseKernel } from '../kernel/wasm.js';
import type { LinearHash } from './engine.js';

/**
 * @internal An incremental plain SHA-256 on the Wasm kernel, without the tree (FLAG_NO_TREE): for
 * engines that hash leaves elsewhere, and for a multipart upload's whole-archive hash, whose
 * state a PartHasher's `save()` carries as a record (src/core/saved-state.ts).
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

  /** The state as a record of the one saved-state format, for {@link restoreLinearSha256}. */
  record(): KernelRecord {
    return kernelRecord(this.#live('save'), this.#size, false);
  }

  /** @internal Use {@link restoreLinearSha256}. */
  static restore(record: KernelRecord): LinearSha256 {
    const kernel = acquireKernel();
    loadRecord(kernel, record);
    const hash = new LinearSha256(kernel);
    hash.#size = record.size;
    return hash;
  }
}

/** @internal See {@link LinearSha256}. */
export function createLinearSha256(build: KernelBuild | 'auto' = 'auto'): LinearSha256 {
  return new LinearSha256(undefined, build);
}

/**
 * @internal Continues a {@link LinearSha256} from its record, as `decodeState` returns it (checked:
 * a linear SHA-256 without a tree, of this kernel build).
 */
export function restoreLinearSha256(record: KernelRecord): LinearSha256 {
  return LinearSha256.restore(record);
}
