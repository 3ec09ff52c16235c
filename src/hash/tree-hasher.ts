// The incremental tree hasher over the Wasm kernel. Input is copied once, straight into the
// kernel's 4 MiB input window; the kernel is called when the window is full (or on digest/copy),
// so small pieces cost one memcpy each and whole leaves are hashed straight from the window.
// Windows end on leaf boundaries (after a flush mid-leaf the next window is shorter), so the
// SIMD build always finds four whole leaves in a full window. With a native engine, whole leaves
// in the window go to node:crypto and their digests to the kernel's stack; the partial leaf and
// (except for engine 'native') the linear SHA-256 stay in the kernel, so save() still works.
import { type BytesLike, toBytes } from '../core/bytes.js';
import { DIGEST_LENGTH, LEAF_SIZE } from '../core/constants.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { fromHex, toHex } from '../core/hex.js';
import { type EngineOptions, type NativeHash, type NativeHashFactory, checkEngine, resolveEngine } from './engine.js';
import { FLAG_LINEAR, FLAG_NO_TREE, KERNEL_BUILD_SHA256, type Kernel, acquireKernel, releaseKernel } from '../kernel/wasm.js';

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
   * digest time). Leaves are reported in order, possibly in batches after several updates.
   */
  onLeaf?: (leafDigest: Uint8Array, leafIndex: number) => void;
}

// Saved state: "GTHS", format version, flags, 2 spare bytes, the size (f64 LE), the kernel
// build's SHA-256, then the kernel's state region.
const STATE_MAGIC = [0x47, 0x54, 0x48, 0x53];
const STATE_FORMAT = 1;
const STATE_HEADER = 16 + 32;
const SAVED_CLOSED = 1;

/**
 * Incremental Glacier tree hash, shaped like Node's `Hash`: `update()` any number of times with
 * pieces of any size, then `digest()` once. After `digest()` every call but `reset()` throws
 * `ERR_HASH_FINALIZED`.
 *
 * @example
 * const hasher = createTreeHasher();
 * hasher.update(part1).update(part2);
 * const hex = hasher.digest('hex');
 */
export class TreeHasher {
  #kernel: Kernel | undefined;
  readonly #linear: boolean;
  readonly #onLeaf: TreeHasherOptions['onLeaf'];
  readonly #engine: TreeHasherOptions['engine'];
  readonly #scalar: boolean; // which Wasm build
  readonly #native: NativeHashFactory | undefined; // whole leaves via node:crypto
  #nativeLinear: NativeHash | undefined; // engine 'native' with linear: the linear SHA-256 too
  #pending = 0; // bytes in the input window not yet absorbed by the kernel
  #limit = 0; // the window ends here: on a leaf boundary
  #size = 0;
  #leavesReported = 0;
  #closed = false; // a partial subtree was appended: nothing may follow

  /** Use {@link createTreeHasher} or {@link createChecksums}. */
  constructor(options: TreeHasherOptions = {}, kernel?: Kernel, wasmLinear = false) {
    if (options === null || typeof options !== 'object') {
      throw new TreeHashError('ERR_INVALID_OPTION', `options must be an object, got ${describeValue(options)}`);
    }
    if (options.onLeaf !== undefined && typeof options.onLeaf !== 'function') {
      throw new TreeHashError('ERR_INVALID_OPTION', `onLeaf must be a function, got ${describeValue(options.onLeaf)}`);
    }
    this.#linear = options.linear === true;
    this.#onLeaf = options.onLeaf;
    this.#engine = checkEngine(options.engine);
    const resolved = resolveEngine(this.#engine);
    this.#scalar = resolved.scalar;
    this.#native = resolved.native;
    // Only engine 'native' puts the linear SHA-256 in node:crypto, whose state cannot be saved.
    const nativeLinear = this.#linear && this.#engine === 'native' && !wasmLinear;
    this.#nativeLinear = nativeLinear ? this.#native!() : undefined;
    this.#kernel = kernel ?? acquireKernel(this.#scalar);
    if (kernel === undefined) this.#kernel.exports.init(this.#linear && !nativeLinear ? FLAG_LINEAR : 0);
    this.#limit = this.#kernel.inputCapacity - this.#kernel.exports.leafFill();
  }

  /** Bytes hashed so far (including bytes represented by appended tree hashes). */
  get size(): number {
    return this.#size;
  }

  /** Whether the linear SHA-256 is being computed too. */
  get linear(): boolean {
    return this.#linear;
  }

  #live(method: string): Kernel {
    if (this.#kernel === undefined) {
      throw new TreeHashError(
        'ERR_HASH_FINALIZED',
        `${method}() was called after digest(); a finished hasher only allows reset() (or create a new one)`,
      );
    }
    return this.#kernel;
  }

  /** Adds bytes. Strings are hashed as UTF-8. Returns this hasher for chaining. */
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
    const digest = this.#native!().update(kernel.memory.subarray(start, start + length)).digest();
    kernel.memory.set(digest, kernel.nodeInputPtr);
    kernel.exports.pushNode(0);
    if (this.#onLeaf === undefined) this.#leavesReported++;
    else this.#onLeaf(new Uint8Array(digest), this.#leavesReported++);
  }

  #reportLeaves(kernel: Kernel, completed: number): void {
    if (this.#onLeaf === undefined) {
      this.#leavesReported += completed;
      return;
    }
    for (let i = 0; i < completed; i++) {
      const start = kernel.leafDigestsPtr + i * DIGEST_LENGTH;
      this.#onLeaf(kernel.memory.slice(start, start + DIGEST_LENGTH), this.#leavesReported++);
    }
  }

  /**
   * Appends a run of bytes known only by its tree hash: a multipart part already uploaded (as
   * ListParts returns it), so hashing can resume without re-reading it. `byteLength` must be
   * 2^k MiB and the bytes so far a multiple of it, or else it must be the last piece of the
   * archive (shorter), after which nothing more can be added.
   * @throws {TreeHashError} `ERR_INVALID_STATE` when the linear hash is on (it needs the bytes) or
   * the subtree would not be a node of the tree; `ERR_INVALID_DIGEST` for a digest that is not 32 bytes.
   */
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
    kernel.memory.set(treeHash, kernel.nodeInputPtr);
    const status = kernel.exports.pushNode(level);
    if (status !== 0) {
      throw new TreeHashError('ERR_INVALID_STATE', `the kernel refused the subtree (status ${status}) at byte ${this.#size}`);
    }
    this.#size += byteLength;
    this.#leavesReported += leaves;
    if (!whole) this.#closed = true;
    return this;
  }

  #throwClosed(method: string): never {
    throw new TreeHashError(
      'ERR_INVALID_STATE',
      `${method}() after appendTreeHash() of a final, shorter piece: nothing can follow the end of the archive`,
    );
  }

  #finish(method: string): Kernel {
    const kernel = this.#live(method);
    this.#flush(kernel, true);
    // The last, partial leaf (or the one empty leaf of empty input) completes here.
    this.#reportLeaves(kernel, kernel.exports.finish());
    this.#kernel = undefined;
    return kernel;
  }

  /** Finishes and returns the tree hash: 32 bytes, or lowercase hex with `'hex'`. */
  digest(): Uint8Array;
  digest(encoding: 'hex'): string;
  digest(encoding?: 'hex'): Uint8Array | string {
    if (encoding !== undefined && encoding !== 'hex') {
      throw new TreeHashError('ERR_INVALID_OPTION', `digest() takes no encoding or 'hex', got ${describeValue(encoding)}`);
    }
    const kernel = this.#finish('digest');
    const root = kernel.memory.slice(kernel.outputPtr, kernel.outputPtr + DIGEST_LENGTH);
    releaseKernel(kernel);
    return encoding === 'hex' ? toHex(root) : root;
  }

  /** Finishes and returns the tree hash, the linear SHA-256 and the size. Needs `linear: true`. */
  digestChecksums(): Checksums {
    if (!this.#linear) {
      this.#live('digestChecksums');
      throw new TreeHashError('ERR_INVALID_STATE', 'digestChecksums() needs a hasher created with { linear: true } (or createChecksums())');
    }
    const size = this.#size;
    const kernel = this.#finish('digestChecksums');
    const out = kernel.outputPtr;
    const result = {
      size,
      treeHash: kernel.memory.slice(out, out + DIGEST_LENGTH),
      sha256: this.#nativeLinear ? new Uint8Array(this.#nativeLinear.digest()) : kernel.memory.slice(out + DIGEST_LENGTH, out + 2 * DIGEST_LENGTH),
    };
    this.#nativeLinear = undefined;
    releaseKernel(kernel);
    return result;
  }

  /** An independent hasher in the same state (like Node's `hash.copy()`). */
  copy(): TreeHasher {
    const kernel = this.#live('copy');
    this.#flush(kernel);
    const twin = acquireKernel(this.#scalar);
    twin.memory.set(kernel.memory.subarray(kernel.statePtr, kernel.statePtr + kernel.stateSize), twin.statePtr);
    const options = { linear: this.#linear, engine: this.#engine, ...(this.#onLeaf ? { onLeaf: this.#onLeaf } : {}) };
    const copy = new TreeHasher(options, twin, this.#nativeLinear === undefined);
    copy.#nativeLinear = this.#nativeLinear?.copy();
    copy.#limit = this.#limit;
    copy.#size = this.#size;
    copy.#leavesReported = this.#leavesReported;
    copy.#closed = this.#closed;
    return copy;
  }

  /** Starts over with no bytes hashed, keeping the options. Works after digest() too. */
  reset(): this {
    if (this.#kernel === undefined) this.#kernel = acquireKernel(this.#scalar);
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

  /**
   * The hasher's state as bytes, to continue later with {@link restoreTreeHasher} (after a crash,
   * in another process), on any engine. The bytes name the kernel's state layout (the release's
   * scalar build; the SIMD build shares it); another release's kernel refuses them.
   * @throws {TreeHashError} `ERR_INVALID_STATE` for engine `'native'` with `linear: true`:
   * node:crypto cannot export a SHA-256 midway (use `'auto'` or `'wasm'` to save).
   */
  save(): Uint8Array {
    const kernel = this.#live('save');
    if (this.#nativeLinear !== undefined) {
      throw new TreeHashError(
        'ERR_INVALID_STATE',
        "save() cannot capture a linear SHA-256 computed by engine 'native' (node:crypto does not export its state); create the hasher with engine 'auto' or 'wasm' to save it",
      );
    }
    this.#flush(kernel);
    return saveKernelState(kernel, this.#size, this.#closed);
  }

  /** @internal Restores a saved state into this fresh hasher. */
  static restore(state: Uint8Array, options: Omit<TreeHasherOptions, 'linear'> = {}): TreeHasher {
    const bytes = toBytes(state, 'state');
    const kernel = acquireKernel(resolveEngine(options.engine).scalar);
    const { flags, size, closed } = loadKernelState(bytes, kernel, 'tree hasher', (flags) => (flags & ~FLAG_LINEAR) === 0);
    // The linear SHA-256 so far is in the state, so it stays in the kernel whatever the engine.
    const hasher = new TreeHasher({ ...options, linear: (flags & FLAG_LINEAR) !== 0 }, kernel, true);
    hasher.#size = size;
    hasher.#leavesReported = Math.floor(hasher.#size / LEAF_SIZE);
    hasher.#closed = closed;
    return hasher;
  }
}

/** The saved-state bytes of `kernel` (see STATE_MAGIC): the header, then the kernel's state region. */
function saveKernelState(kernel: Kernel, size: number, closed: boolean): Uint8Array {
  const out = new Uint8Array(STATE_HEADER + kernel.stateSize);
  out.set(STATE_MAGIC, 0);
  out[4] = STATE_FORMAT;
  out[5] = closed ? SAVED_CLOSED : 0;
  new DataView(out.buffer).setFloat64(8, size, true);
  out.set(fromHex(KERNEL_BUILD_SHA256, 32), 16);
  out.set(kernel.memory.subarray(kernel.statePtr, kernel.statePtr + kernel.stateSize), STATE_HEADER);
  return out;
}

/**
 * Checks saved-state bytes and loads them into `kernel`; on failure gives the kernel back and
 * throws `ERR_INVALID_STATE`. `acceptFlags` says which kernel flags the restoring hasher can continue.
 */
function loadKernelState(
  state: Uint8Array,
  kernel: Kernel,
  what: string,
  acceptFlags: (flags: number) => boolean,
): { flags: number; size: number; closed: boolean } {
  const invalid = (why: string): never => {
    releaseKernel(kernel);
    throw new TreeHashError('ERR_INVALID_STATE', `cannot restore the ${what}: ${why}`);
  };
  const bytes = state instanceof Uint8Array ? state : invalid(`expected bytes from save(), got ${describeValue(state)}`);
  if (bytes.length !== STATE_HEADER + kernel.stateSize || STATE_MAGIC.some((b, i) => bytes[i] !== b)) {
    invalid(`expected ${STATE_HEADER + kernel.stateSize} bytes from save(), got ${describeValue(state)}`);
  }
  if (bytes[4] !== STATE_FORMAT) invalid(`state format ${bytes[4]} is not ${STATE_FORMAT}`);
  if (toHex(bytes.subarray(16, 48)) !== KERNEL_BUILD_SHA256) {
    invalid('the state was saved by a different build of the kernel');
  }
  const flags = new DataView(bytes.buffer, bytes.byteOffset + STATE_HEADER, 4).getUint32(0, true);
  if (!acceptFlags(flags)) invalid(`its flags (${flags}) are not a state this hasher can continue`);
  const size = new DataView(bytes.buffer, bytes.byteOffset, STATE_HEADER).getFloat64(8, true);
  if (!Number.isSafeInteger(size) || size < 0) invalid(`the saved size ${size} is not a byte count`);
  kernel.memory.set(bytes.subarray(STATE_HEADER), kernel.statePtr);
  return { flags, size, closed: bytes[5] === SAVED_CLOSED };
}

/** Throws unless `digest` is a 32-byte Uint8Array. */
export function checkDigest(digest: unknown, what: string): asserts digest is Uint8Array {
  if (!(digest instanceof Uint8Array) || digest.length !== DIGEST_LENGTH) {
    throw new TreeHashError('ERR_INVALID_DIGEST', `${what} must be a 32-byte Uint8Array (a SHA-256 digest), got ${describeValue(digest)}`);
  }
}

/**
 * A new incremental tree hasher.
 * @example createTreeHasher().update(bytes).digest('hex')
 */
export function createTreeHasher(options?: TreeHasherOptions): TreeHasher {
  return new TreeHasher(options);
}

/**
 * A tree hasher that also computes the linear SHA-256 in the same pass; finish with
 * `digestChecksums()`.
 * @example const { treeHash, sha256 } = createChecksums().update(body).digestChecksums();
 */
export function createChecksums(options?: Omit<TreeHasherOptions, 'linear'>): TreeHasher {
  return new TreeHasher({ ...options, linear: true });
}

/**
 * Continues from bytes returned by {@link TreeHasher.save}, at exactly the byte where it stopped,
 * linear hash included.
 * @throws {TreeHashError} `ERR_INVALID_STATE` for bytes that are not a saved state of this build.
 */
export function restoreTreeHasher(state: Uint8Array, options?: Omit<TreeHasherOptions, 'linear'>): TreeHasher {
  return TreeHasher.restore(state, options);
}

/**
 * @internal An incremental plain SHA-256 on the Wasm kernel, without the tree (FLAG_NO_TREE): for
 * engines that hash leaves elsewhere, and for a multipart upload's whole-archive hash, which
 * `save()` carries (same state format as {@link TreeHasher.save}; a TreeHasher refuses it).
 * `digest()` gives the kernel instance back.
 */
export class LinearSha256 {
  #kernel: Kernel | undefined;
  #size = 0;

  /** Use {@link createLinearSha256} or {@link restoreLinearSha256}. */
  constructor(kernel?: Kernel) {
    this.#kernel = kernel ?? acquireKernel();
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
    const kernel = this.#live('update');
    for (let offset = 0; offset < bytes.length; offset += kernel.inputCapacity) {
      const piece = bytes.subarray(offset, Math.min(offset + kernel.inputCapacity, bytes.length));
      kernel.memory.set(piece, kernel.inputPtr);
      kernel.exports.absorb(0, piece.length);
    }
    this.#size += bytes.length;
  }

  digest(): Uint8Array {
    const kernel = this.#live('digest');
    this.#kernel = undefined;
    kernel.exports.finish();
    const out = kernel.memory.slice(kernel.outputPtr + DIGEST_LENGTH, kernel.outputPtr + 2 * DIGEST_LENGTH);
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
export function createLinearSha256(): LinearSha256 {
  return new LinearSha256();
}

/**
 * @internal Continues a {@link LinearSha256} from its `save()` bytes, or the linear SHA-256 of a
 * `linear: true` TreeHasher's state (its tree is dropped: states saved before the tree-less mode).
 * @throws {TreeHashError} `ERR_INVALID_STATE` for bytes that are not such a state of this kernel build.
 */
export function restoreLinearSha256(state: Uint8Array): LinearSha256 {
  return LinearSha256.restore(state);
}

/**
 * One-shot hashing with node:crypto, straight from `bytes` (no copy into Wasm memory): each leaf's
 * digest goes onto the kernel's stack, which builds the tree; the linear SHA-256 is a second pass.
 */
function nativeOneShot(bytes: Uint8Array, native: NativeHashFactory, linear: boolean): Checksums {
  const kernel = acquireKernel();
  try {
    kernel.exports.init(0);
    for (let offset = 0; offset < bytes.length; offset += LEAF_SIZE) {
      kernel.memory.set(native().update(bytes.subarray(offset, offset + LEAF_SIZE)).digest(), kernel.nodeInputPtr);
      kernel.exports.pushNode(0);
    }
    kernel.exports.finish(); // empty input: the one empty leaf
    return {
      size: bytes.length,
      treeHash: kernel.memory.slice(kernel.outputPtr, kernel.outputPtr + DIGEST_LENGTH),
      sha256: linear ? new Uint8Array(native().update(bytes).digest()) : new Uint8Array(0),
    };
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
  const { native } = resolveEngine(options?.engine);
  if (native !== undefined) return nativeOneShot(bytes, native, false).treeHash;
  return new TreeHasher(options).update(bytes).digest();
}

/**
 * The tree hash and the linear SHA-256 of `data`, in one pass (two with engine native, each
 * at node:crypto speed).
 * @throws {TreeHashError} as {@link treeHash}.
 * @example const { treeHash, sha256, size } = computeChecksums(body);
 */
export function computeChecksums(data: BytesLike, options?: EngineOptions): Checksums {
  const bytes = toBytes(data);
  const { native } = resolveEngine(options?.engine);
  if (native !== undefined) return nativeOneShot(bytes, native, true);
  return createChecksums(options).update(bytes).digestChecksums();
}

/**
 * Plain SHA-256 (the linear hash, `x-amz-content-sha256`).
 * @throws {TreeHashError} as {@link treeHash}.
 * @example toHex(sha256('abc'))
 */
export function sha256(data: BytesLike, options?: EngineOptions): Uint8Array {
  const bytes = toBytes(data);
  const resolved = resolveEngine(options?.engine);
  if (resolved.native !== undefined) return new Uint8Array(resolved.native().update(bytes).digest());
  const kernel = acquireKernel(resolved.scalar);
  kernel.exports.init(FLAG_LINEAR | FLAG_NO_TREE);
  for (let offset = 0; offset < bytes.length; offset += kernel.inputCapacity) {
    const piece = bytes.subarray(offset, Math.min(offset + kernel.inputCapacity, bytes.length));
    kernel.memory.set(piece, kernel.inputPtr);
    kernel.exports.absorb(0, piece.length);
  }
  kernel.exports.finish();
  const out = kernel.memory.slice(kernel.outputPtr + DIGEST_LENGTH, kernel.outputPtr + 2 * DIGEST_LENGTH);
  releaseKernel(kernel);
  return out;
}
