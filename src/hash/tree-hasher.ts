// The incremental tree hasher over the Wasm kernel. Input is copied once, straight into the
// kernel's 4 MiB input window; the kernel is called when the window is full (or on digest/copy),
// so small pieces cost one memcpy each and whole leaves are hashed straight from the window.
// Windows end on leaf boundaries (after a flush mid-leaf the next window is shorter), so the
// SIMD build always finds four whole leaves in a full window. With a native engine, whole leaves
// in the window go to node:crypto and their digests to the kernel's stack; the partial leaf and
// (except for engine 'native') the linear SHA-256 stay in the kernel, so save() still works.
import { type BytesLike, toBytes } from '../core/bytes.js';
import { DIGEST_LENGTH, LEAF_SIZE } from '../core/constants.js';
import { checkDigest } from '../core/digest.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { booleanOption, functionOption, optionsObject } from '../core/options.js';
import { toHex } from '../core/hex.js';
import { linearDigest, pushDigest, treeRoot } from '../kernel/drive.js';
import { type KernelRecord, decodeState, encodeState } from '../core/saved-state.js';
import { STATE_SEAL, kernelRecord, loadRecord } from '../kernel/state.js';
import { FLAG_LINEAR, type Kernel, type KernelBuild, acquireKernel, releaseKernel } from '../kernel/wasm.js';
import { type EngineOptions, type Engine, type LinearHash, type LinearHashFactory, resolveEngine } from './engine.js';

/** The two checksums Glacier asks for, and the byte count they cover. */
export interface Checksums {
  /** Bytes hashed. */
  size: number;
  /** `x-amz-sha256-tree-hash`: the root of the tree over 1 MiB leaves (32 bytes). */
  treeHash: Uint8Array;
  /** `x-amz-content-sha256`: the plain SHA-256 of all the bytes (32 bytes). */
  sha256: Uint8Array;
}

export interface TreeHasherOptions extends EngineOptions {
  /** Also compute the linear SHA-256 in the same pass (see {@link TreeHasher.digestChecksums}). Default false. */
  linear?: boolean;
  /**
   * Called with each 1 MiB leaf's digest and index as leaves complete (the last, partial leaf at
   * digest time). Leaves are reported in order, possibly in batches after several updates. What
   * it throws comes out of that `update()` or `digest()`; the hasher is then unusable (every call
   * but `reset()` throws `ERR_INVALID_STATE`), as the bytes of that call were only partly hashed.
   */
  onLeaf?: (leafDigest: Uint8Array, leafIndex: number) => void;
}

/**
 * Incremental Glacier tree hash, shaped like Node's `Hash`: `update()` any number of times with
 * pieces of any size, then `digest()` once. After `digest()` every call but `reset()` throws
 * `ERR_HASH_FINALIZED`. Made by {@link createTreeHasher}, {@link createChecksums} and
 * {@link restoreTreeHasher}.
 *
 * @example
 * const hasher = createTreeHasher();
 * hasher.update(part1).update(part2);
 * const hex = hasher.digest('hex');
 */
export interface TreeHasher {
  /** Bytes hashed so far (including bytes represented by appended tree hashes). */
  readonly size: number;
  /** Whether the linear SHA-256 is being computed too. */
  readonly linear: boolean;
  /** Adds bytes. Strings are hashed as UTF-8. Returns this hasher for chaining. */
  update(data: BytesLike): this;
  appendTreeHash(treeHash: Uint8Array, byteLength: number): this;
  digest(): Uint8Array;
  digest(encoding: 'hex'): string;
  /** Finishes and returns the tree hash, the linear SHA-256 and the size. Needs `linear: true`. */
  digestChecksums(): Checksums;
  /** An independent hasher in the same state (like Node's `hash.copy()`). */
  copy(): TreeHasher;
  /** Starts over with no bytes hashed, keeping the options. Works after digest() too. */
  reset(): this;
  /**
   * The hasher's state as bytes, to continue later with {@link restoreTreeHasher} (after a crash,
   * in another process), on any engine. The bytes name the kernel's state layout (the release's
   * scalar build; the SIMD build shares it), so another release refuses them, and end in a SHA-256
   * check over the whole state, so a changed byte is refused too (src/core/saved-state.ts).
   * @throws {TreeHashError} `ERR_INVALID_STATE` for engine `'native'` with `linear: true`:
   * node:crypto cannot export a SHA-256 midway (use `'auto'` or `'wasm'` to save).
   */
  save(): Uint8Array;
}

/**
 * @internal The {@link TreeHasher} on a kernel instance, with the hooks adapters use
 * ({@link writableWindow}, {@link commitWritten}). Not exported from any public entry.
 */
export class KernelTreeHasher implements TreeHasher {
  #kernel: Kernel | undefined;
  readonly #linear: boolean;
  readonly #onLeaf: TreeHasherOptions['onLeaf'];
  readonly #engine: Engine;
  readonly #build: KernelBuild; // which kernel
  readonly #native: LinearHashFactory | undefined; // whole leaves via node:crypto
  #nativeLinear: LinearHash | undefined; // engine 'native' with linear: the linear SHA-256 too
  #pending = 0; // bytes in the input window not yet absorbed by the kernel
  #limit = 0; // the window ends here: on a leaf boundary
  #size = 0;
  #leavesReported = 0;
  #closed = false; // a partial subtree was appended: nothing may follow
  #broken = false; // onLeaf threw midway: the kernel and this object's counts disagree

  /** `kernel` and `wasmLinear`: a state already loaded into `kernel` (copy, restore), whose linear SHA-256 is the kernel's. */
  constructor(options?: TreeHasherOptions, kernel?: Kernel, wasmLinear = false) {
    const checked = optionsObject<TreeHasherOptions>(options, 'the options of createTreeHasher');
    this.#onLeaf = functionOption<NonNullable<TreeHasherOptions['onLeaf']>>(checked.onLeaf, 'onLeaf');
    this.#linear = booleanOption(checked.linear, 'linear') === true;
    options = checked;
    const resolved = resolveEngine(options.engine);
    this.#engine = resolved.engine;
    this.#build = resolved.build;
    this.#native = resolved.native;
    // Only engine 'native' puts the linear SHA-256 in node:crypto, whose state cannot be saved.
    const nativeLinear = this.#linear && this.#engine === 'native' && !wasmLinear;
    this.#nativeLinear = nativeLinear ? this.#native!() : undefined;
    this.#kernel = kernel ?? acquireKernel(this.#build);
    if (kernel === undefined) this.#kernel.exports.init(this.#linear && !nativeLinear ? FLAG_LINEAR : 0);
    this.#limit = this.#kernel.inputCapacity - this.#kernel.exports.leafFill();
  }

  get size(): number {
    return this.#size;
  }

  get linear(): boolean {
    return this.#linear;
  }

  #live(method: string): Kernel {
    if (this.#broken) {
      throw new TreeHashError('ERR_INVALID_STATE', `${method}() after onLeaf threw (reset() the hasher)`);
    }
    if (this.#kernel === undefined) {
      throw new TreeHashError('ERR_HASH_FINALIZED', `${method}() was called after digest(); a finished hasher only allows reset() (or create a new one)`);
    }
    return this.#kernel;
  }

  update(data: BytesLike): this {
    const kernel = this.#live('update');
    if (this.#closed) this.#throwClosed('update');
    const bytes = toBytes(data);
    const { memory, inputPtr } = kernel;
    let offset = 0;
    while (offset < bytes.length) {
      const n = Math.min(this.#limit - this.#pending, bytes.length - offset);
      memory.set(n === bytes.length ? bytes : bytes.subarray(offset, offset + n), inputPtr + this.#pending);
      this.#pending += n;
      offset += n;
      if (this.#pending === this.#limit) this.#flush(kernel);
    }
    this.#size += bytes.length;
    return this;
  }

  /**
   * @internal The free part of the kernel's input window, for adapters that read straight into
   * Wasm memory (files). Write up to its length, then call {@link commitWritten}.
   */
  writableWindow(): Uint8Array {
    const kernel = this.#live('update');
    if (this.#closed) this.#throwClosed('update');
    if (this.#pending === this.#limit) this.#flush(kernel);
    return kernel.memory.subarray(kernel.inputPtr + this.#pending, kernel.inputPtr + this.#limit);
  }

  /** @internal Accounts for `length` bytes written into {@link writableWindow}. */
  commitWritten(length: number): void {
    const kernel = this.#live('update');
    if (!Number.isInteger(length) || length < 0 || this.#pending + length > this.#limit) {
      throw new TreeHashError('ERR_INVALID_INPUT', `commitWritten: ${length} bytes do not fit the input window`);
    }
    this.#pending += length;
    this.#size += length;
    if (this.#pending === this.#limit) this.#flush(kernel);
  }

  /** Hashes the window. `final`: no more bytes follow, so a partial last leaf may go native too. */
  #flush(kernel: Kernel, final = false): void {
    const n = this.#pending;
    if (n === 0) return;
    this.#pending = 0;
    if (this.#native === undefined) {
      this.#reportLeaves(kernel, kernel.exports.absorb(0, n));
    } else {
      if (this.#nativeLinear !== undefined) this.#nativeLinear.update(kernel.memory.subarray(kernel.inputPtr, kernel.inputPtr + n));
      else if (this.#linear) kernel.exports.absorbLinear(0, n);
      let offset = 0;
      const fill = kernel.exports.leafFill();
      if (fill > 0) {
        // A leaf begun in the kernel (after save(), copy() or restore) is finished there.
        offset = Math.min(n, LEAF_SIZE - fill);
        this.#reportLeaves(kernel, kernel.exports.absorbTree(0, offset));
      }
      for (; n - offset >= LEAF_SIZE; offset += LEAF_SIZE) this.#nativeLeaf(kernel, offset, LEAF_SIZE);
      if (offset < n) {
        if (final) this.#nativeLeaf(kernel, offset, n - offset);
        else this.#reportLeaves(kernel, kernel.exports.absorbTree(offset, n - offset));
      }
    }
    this.#limit = kernel.inputCapacity - kernel.exports.leafFill();
  }

  /** One leaf at window[offset, offset + length) through node:crypto, its digest onto the kernel's stack. */
  #nativeLeaf(kernel: Kernel, offset: number, length: number): void {
    const start = kernel.inputPtr + offset;
    const hash = this.#native!();
    hash.update(kernel.memory.subarray(start, start + length));
    const digest = hash.digest();
    pushDigest(kernel, digest);
    if (this.#onLeaf === undefined) this.#leavesReported++;
    else this.#report(new Uint8Array(digest));
  }

  #reportLeaves(kernel: Kernel, completed: number): void {
    if (this.#onLeaf === undefined) {
      this.#leavesReported += completed;
      return;
    }
    for (let i = 0; i < completed; i++) {
      const start = kernel.leafDigestsPtr + i * DIGEST_LENGTH;
      this.#report(kernel.memory.slice(start, start + DIGEST_LENGTH));
    }
  }

  /** Calls onLeaf; if it throws, the hasher is broken (its error goes to the caller of update or digest). */
  #report(digest: Uint8Array): void {
    try {
      this.#onLeaf!(digest, this.#leavesReported++);
    } catch (error) {
      this.#broken = true;
      throw error;
    }
  }

  appendTreeHash(treeHash: Uint8Array, byteLength: number): this {
    const kernel = this.#live('appendTreeHash');
    if (this.#closed) this.#throwClosed('appendTreeHash');
    if (this.#linear) {
      throw new TreeHashError('ERR_INVALID_STATE', 'appendTreeHash() cannot be used with linear: true: the linear SHA-256 needs the bytes themselves');
    }
    checkDigest(treeHash, 'treeHash');
    if (!Number.isSafeInteger(byteLength) || byteLength <= 0) {
      throw new TreeHashError('ERR_INVALID_INPUT', `byteLength must be a positive integer, got ${describeValue(byteLength)}`);
    }
    this.#flush(kernel);
    const leaves = Math.ceil(byteLength / LEAF_SIZE);
    const level = Math.ceil(Math.log2(leaves));
    const whole = byteLength === 2 ** level * LEAF_SIZE;
    if (this.#size % (2 ** level * LEAF_SIZE) !== 0) {
      throw new TreeHashError(
        'ERR_INVALID_STATE',
        `a subtree of ${byteLength} bytes must start at a multiple of ${2 ** level * LEAF_SIZE} bytes; this hasher is at byte ${this.#size}`,
      );
    }
    const status = pushDigest(kernel, treeHash, level);
    if (status !== 0) {
      throw new TreeHashError('ERR_INVALID_STATE', `the kernel refused the subtree (status ${status}) at byte ${this.#size}`);
    }
    this.#size += byteLength;
    this.#leavesReported += leaves;
    if (!whole) this.#closed = true;
    return this;
  }

  #throwClosed(method: string): never {
    throw new TreeHashError('ERR_INVALID_STATE', `${method}() after appendTreeHash() of a final, shorter piece: nothing can follow the end of the archive`);
  }

  #finish(method: string): Kernel {
    const kernel = this.#live(method);
    this.#flush(kernel, true);
    // The last, partial leaf (or the one empty leaf of empty input) completes here.
    this.#reportLeaves(kernel, kernel.exports.finish());
    this.#kernel = undefined;
    return kernel;
  }

  digest(): Uint8Array;
  digest(encoding: 'hex'): string;
  digest(encoding?: 'hex'): Uint8Array | string {
    if (encoding !== undefined && encoding !== 'hex') {
      throw new TreeHashError('ERR_INVALID_OPTION', `digest() takes no encoding or 'hex', got ${describeValue(encoding)}`);
    }
    const kernel = this.#finish('digest');
    const root = treeRoot(kernel);
    releaseKernel(kernel);
    return encoding === 'hex' ? toHex(root) : root;
  }

  digestChecksums(): Checksums {
    if (!this.#linear) {
      this.#live('digestChecksums');
      throw new TreeHashError('ERR_INVALID_STATE', 'digestChecksums() needs a hasher created with { linear: true } (or createChecksums())');
    }
    const size = this.#size;
    const kernel = this.#finish('digestChecksums');
    const result = {
      size,
      treeHash: treeRoot(kernel),
      sha256: this.#nativeLinear ? new Uint8Array(this.#nativeLinear.digest()) : linearDigest(kernel),
    };
    this.#nativeLinear = undefined;
    releaseKernel(kernel);
    return result;
  }

  copy(): KernelTreeHasher {
    const kernel = this.#live('copy');
    this.#flush(kernel);
    const twin = acquireKernel(this.#build);
    twin.memory.set(kernel.memory.subarray(kernel.statePtr, kernel.statePtr + kernel.stateSize), twin.statePtr);
    const options = { linear: this.#linear, engine: this.#engine, ...(this.#onLeaf ? { onLeaf: this.#onLeaf } : {}) };
    const copy = new KernelTreeHasher(options, twin, this.#nativeLinear === undefined);
    copy.#nativeLinear = this.#nativeLinear?.copy!();
    copy.#limit = this.#limit;
    copy.#size = this.#size;
    copy.#leavesReported = this.#leavesReported;
    copy.#closed = this.#closed;
    return copy;
  }

  reset(): this {
    this.#broken = false;
    if (this.#kernel === undefined) this.#kernel = acquireKernel(this.#build);
    const nativeLinear = this.#linear && this.#engine === 'native';
    this.#nativeLinear = nativeLinear ? this.#native!() : undefined;
    this.#kernel.exports.init(this.#linear && !nativeLinear ? FLAG_LINEAR : 0);
    this.#limit = this.#kernel.inputCapacity;
    this.#pending = 0;
    this.#size = 0;
    this.#leavesReported = 0;
    this.#closed = false;
    return this;
  }

  save(): Uint8Array {
    return encodeState({ kind: 'tree', hasher: this.saveRecord() }, STATE_SEAL);
  }

  /** @internal The state as a record of the one saved-state format (a PartHasher's part in progress). */
  saveRecord(): KernelRecord {
    const kernel = this.#live('save');
    if (this.#nativeLinear !== undefined) {
      throw new TreeHashError(
        'ERR_INVALID_STATE',
        "save() cannot capture a linear SHA-256 computed by engine 'native' (node:crypto does not export its state); create the hasher with engine 'auto' or 'wasm' to save it",
      );
    }
    this.#flush(kernel);
    return kernelRecord(kernel, this.#size, this.#closed);
  }

  /** Restores saved-state bytes into a fresh hasher: checked whole (src/core/saved-state.ts) before any kernel sees them. */
  static restore(state: unknown, options?: Omit<TreeHasherOptions, 'linear'>): KernelTreeHasher {
    const record = decodeState(state, 'tree', STATE_SEAL).hasher;
    return KernelTreeHasher.fromRecord(record, optionsObject(options, 'the options of restoreTreeHasher'));
  }

  /** @internal A hasher continuing from a checked record. */
  static fromRecord(record: KernelRecord, options: Omit<TreeHasherOptions, 'linear'> = {}): KernelTreeHasher {
    // The linear SHA-256 so far is in the state, so it stays in the kernel whatever the engine.
    const linear = (record.region[0]! & FLAG_LINEAR) !== 0; // the kernel flags: the region's first u32, little-endian
    const kernel = acquireKernel(resolveEngine(options.engine).build);
    loadRecord(kernel, record);
    let hasher: KernelTreeHasher;
    try {
      hasher = new KernelTreeHasher({ ...options, linear }, kernel, true);
    } catch (error) {
      releaseKernel(kernel);
      throw error;
    }
    hasher.#size = record.size;
    hasher.#leavesReported = Math.floor(record.size / LEAF_SIZE);
    hasher.#closed = record.closed;
    return hasher;
  }
}

/**
 * A new incremental tree hasher.
 * @example createTreeHasher().update(bytes).digest('hex')
 */
export function createTreeHasher(options?: TreeHasherOptions): TreeHasher {
  return new KernelTreeHasher(options);
}

/**
 * A tree hasher that also computes the linear SHA-256 in the same pass; finish with
 * `digestChecksums()`.
 * @example const { treeHash, sha256 } = createChecksums().update(body).digestChecksums();
 */
export function createChecksums(options?: Omit<TreeHasherOptions, 'linear'>): TreeHasher {
  return new KernelTreeHasher({ ...optionsObject(options, 'the options of createChecksums'), linear: true });
}

/**
 * Continues from bytes returned by {@link TreeHasher.save}, at exactly the byte where it stopped,
 * linear hash included. The state is checked whole first (its SHA-256 check, every field against
 * the others), so damaged or changed bytes are refused, never continued into a wrong hash.
 * @throws {TreeHashError} `ERR_INVALID_STATE` for anything but the unchanged bytes of a save() of
 *   this release (null and other non-bytes included).
 */
export function restoreTreeHasher(state: Uint8Array, options?: Omit<TreeHasherOptions, 'linear'>): TreeHasher {
  return KernelTreeHasher.restore(state, options);
}
