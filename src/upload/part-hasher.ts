/**
 * Part checksums for multipart uploads, in one pass over the bytes: the synchronous, I/O-free
 * {@link PartHasher}; src/upload/run.ts drives it over sources, src/node/ and src/web/ feed it files
 * and Blobs. Its saved state: the one format of src/core/saved-state.ts.
 *
 * Why the archive hash can come from the part hashes: with a part size of 2^k MiB, part i covers
 * leaves [i·2^k, (i+1)·2^k), which is exactly the tree node at level k, index i; so the ordinary
 * pairwise tree over the part hashes is the archive root. With any other part size it is not
 * (Glacier developer guide, "Computing Checksums"; GLACIER.md §1.4).
 */
import { type BytesLike, toBytes } from '../core/bytes.js';
import { MiB } from '../core/constants.js';
import { toTreeHashBytes } from '../core/digest.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { optionsObject } from '../core/options.js';
import { combineTreeHashes } from '../hash/combine.js';
import { type Engine, type LinearHash, checkEngine, resolveEngine } from '../hash/engine.js';
import { LinearSha256, createLinearSha256, restoreLinearSha256 } from '../hash/linear.js';
import { KernelTreeHasher, createTreeHasher } from '../hash/tree-hasher.js';
import { type KernelRecord, type PartHasherState, decodeState, encodeState } from '../core/saved-state.js';
import { STATE_SEAL } from '../kernel/state.js';
import { MAX_PARTS, assertValidPartSize, formatContentRange } from './plan.js';
import type { MultipartChecksums, PartChecksums, PartHasherOptions, RestorePartHasherOptions } from './types.js';

/**
 * Cuts a byte stream into multipart parts and hashes each part as it completes. Synchronous and
 * I/O-free: `hashParts` and the file/Blob adapters drive it. Made by {@link createPartHasher} and
 * {@link restorePartHasher}.
 */
export interface PartHasher {
  /** The part size. */
  readonly partSize: number;
  /** Archive bytes accounted for so far, resumed parts included. */
  readonly size: number;
  update(data: BytesLike): PartChecksums[];
  finish(): { lastPart: PartChecksums | undefined; result: MultipartChecksums };
  /**
   * The hasher's state as bytes, to continue later with {@link restorePartHasher} (after a crash,
   * in another process): the tree hashes of the parts done and, with savePoint `'byte'`, the part
   * in progress with its SHA-256, so that the state is at exactly this byte; with savePoint
   * `'part'` the state is at the start of the part in progress (the same between parts). The
   * restored hasher's `size` is the byte to continue from. The whole-archive SHA-256 is carried
   * along when it is the kernel's (`linear: true` in the core); one from a supplied function
   * (node:crypto) cannot be saved, so a restored run has none. The state names the kernel build;
   * another build refuses it.
   * @throws {TreeHashError} `ERR_HASH_FINALIZED` after {@link finish}.
   * @example
   * const state = hasher.save();            // store it next to the upload ID
   * const again = restorePartHasher(state); // later: feed the bytes from again.size on
   */
  save(): Uint8Array;
}

/**
 * Bytes hashed into the part and the whole-archive hash in turn: a slice copied into the part
 * hasher's window is still in the CPU cache when the whole-archive hash reads it.
 */
const SLICE_SIZE = MiB;

/**
 * @internal The {@link PartHasher}, with the hand-over protocol of adapters that hash whole parts
 * themselves ({@link handOver}). Not exported from any public entry.
 */
export class KernelPartHasher implements PartHasher {
  readonly #partSize: number;
  readonly #resumed: Uint8Array[];
  readonly #partTreeHashes: Uint8Array[];
  readonly #parts: PartChecksums[] = [];
  #part: KernelTreeHasher | undefined; // the part being filled; none (no kernel instance held) between parts
  #whole: LinearHash | LinearSha256 | undefined; // LinearSha256: the kernel's, which save() carries
  readonly #savePoint: 'byte' | 'part';
  readonly #partEngine: Engine; // the part hashers' engine
  #exactPart: boolean; // save() can capture the part in progress (its SHA-256 is in Wasm)
  #wholeAtPartStart: KernelRecord | undefined; // savePoint 'part': the kernel whole hash's state where the part began
  #index: number; // the part being filled
  #partFill = 0; // its bytes so far
  #size: number; // archive bytes so far, resumed parts included
  #finished = false;

  constructor(given: PartHasherOptions) {
    const options = optionsObject<PartHasherOptions>(given, 'the options of a part hasher', true) as PartHasherOptions;
    assertValidPartSize(options.partSize);
    const resumeFrom = options.resumeFrom ?? [];
    if (!Array.isArray(resumeFrom)) {
      throw new TreeHashError('ERR_INVALID_OPTION', `resumeFrom must be an array of part tree hashes, got ${describeValue(resumeFrom)}`);
    }
    if (resumeFrom.length > MAX_PARTS) {
      throw new TreeHashError('ERR_TOO_MANY_PARTS', `resumeFrom has ${resumeFrom.length} part hashes; an upload has at most ${MAX_PARTS} parts`);
    }
    const { linear = true } = options;
    if (typeof linear !== 'boolean' && typeof linear !== 'function') {
      throw new TreeHashError('ERR_INVALID_OPTION', `linear must be a boolean or a function, got ${describeValue(linear)}`);
    }
    const engine = checkEngine(options.engine);
    const { savePoint = engine === 'native' ? 'part' : 'byte' } = options;
    if (savePoint !== 'byte' && savePoint !== 'part') {
      throw new TreeHashError('ERR_INVALID_OPTION', `savePoint must be 'byte' or 'part', got ${describeValue(savePoint)}`);
    }
    if (savePoint === 'byte' && engine === 'native') {
      throw new TreeHashError(
        'ERR_INVALID_OPTION',
        "savePoint 'byte' needs each part's SHA-256 in Wasm, and engine 'native' computes it with node:crypto, which cannot save it midway; use engine 'auto' or savePoint 'part'",
      );
    }
    this.#savePoint = savePoint;
    this.#exactPart = savePoint === 'byte';
    // 'auto' with savePoint 'part': nothing needs the part's SHA-256 state, so node:crypto computes it.
    this.#partEngine = savePoint === 'part' && engine === 'auto' ? resolveEngine(engine, 'unsaved').engine : engine;
    this.#partSize = options.partSize;
    this.#resumed = Array.from(resumeFrom, (hash, i) => toTreeHashBytes(hash, `resumeFrom[${i}]`)); // holes of a sparse array too
    this.#partTreeHashes = [...this.#resumed];
    this.#index = this.#resumed.length;
    this.#size = this.#index * this.#partSize;
    // The skipped bytes were never seen, so a resumed run cannot know the whole archive's SHA-256.
    this.#whole = this.#resumed.length > 0 || linear === false ? undefined : linear === true ? createLinearSha256() : linear();
    this.#markPartStart();
  }

  /** With savePoint 'part', keeps the whole-archive hash's state at the start of a part for save(). */
  #markPartStart(): void {
    if (this.#savePoint === 'part' && this.#whole instanceof LinearSha256) this.#wholeAtPartStart = this.#whole.record();
  }

  get partSize(): number {
    return this.#partSize;
  }

  get size(): number {
    return this.#size;
  }

  #live(method: string): void {
    if (this.#finished) {
      throw new TreeHashError('ERR_HASH_FINALIZED', `${method}() was called after finish(); create a new part hasher`);
    }
  }

  /** Before a part's first byte: throws if it would be part 10,001. */
  #checkRoom(): void {
    if (this.#index >= MAX_PARTS) {
      throw new TreeHashError(
        'ERR_TOO_MANY_PARTS',
        `the archive is longer than ${MAX_PARTS} parts of ${this.#partSize} bytes (${MAX_PARTS * this.#partSize} bytes); use a larger part size`,
      );
    }
  }

  /**
   * @internal For an adapter that hashes whole parts itself (src/node/parts.ts, on worker threads):
   * possible only with savePoint 'part', at a part boundary, and with no kernel whole-archive hash
   * (whose state save() carries). Returns whether the whole-archive SHA-256 is wanted (the adapter
   * then computes it, and gives it to {@link finishHashed}), or undefined when not possible.
   * Afterwards only {@link startHashedPart}, {@link addHashedPart}, {@link finishHashed} and save() may be used.
   */
  handOver(): { whole: boolean } | undefined {
    if (this.#savePoint !== 'part' || this.#partFill > 0 || this.#whole instanceof LinearSha256 || this.#finished) return undefined;
    const whole = this.#whole !== undefined;
    this.#whole = undefined;
    return { whole };
  }

  /** @internal After {@link handOver}: before the first byte of a part. @throws {TreeHashError} `ERR_TOO_MANY_PARTS`. */
  startHashedPart(): void {
    this.#live('update');
    this.#checkRoom();
  }

  /** @internal After {@link handOver}: the next part, hashed by the adapter. */
  addHashedPart(checksums: { size: number; treeHash: Uint8Array; sha256: Uint8Array }): PartChecksums {
    this.#size += checksums.size;
    return this.#recordPart(checksums);
  }

  /** @internal After {@link handOver}: as {@link finish}, with the adapter's last part and whole-archive SHA-256. */
  finishHashed(
    lastPart: { size: number; treeHash: Uint8Array; sha256: Uint8Array } | undefined,
    sha256: Uint8Array | undefined,
  ): { lastPart: PartChecksums | undefined; result: MultipartChecksums } {
    const last = lastPart === undefined ? undefined : this.addHashedPart(lastPart);
    const { result } = this.finish();
    return { lastPart: last, result: { ...result, sha256 } };
  }

  #completePart(): PartChecksums {
    // digestChecksums() gives the kernel instance back; the next part takes one when its first byte comes.
    const checksums = this.#part!.digestChecksums();
    this.#part = undefined;
    return this.#recordPart(checksums);
  }

  #recordPart({ treeHash, sha256, size }: { size: number; treeHash: Uint8Array; sha256: Uint8Array }): PartChecksums {
    const start = this.#index * this.#partSize;
    const end = start + size - 1;
    const part: PartChecksums = { index: this.#index, start, end, size, contentRange: formatContentRange({ start, end }), treeHash, sha256 };
    this.#parts.push(part);
    this.#partTreeHashes.push(treeHash);
    this.#index++;
    this.#partFill = 0;
    this.#exactPart = this.#savePoint === 'byte';
    return part;
  }

  update(data: BytesLike): PartChecksums[] {
    this.#live('update');
    const bytes = toBytes(data);
    const completed: PartChecksums[] = [];
    let offset = 0;
    while (offset < bytes.length) {
      if (this.#partFill === 0) this.#checkRoom();
      const n = Math.min(this.#partSize - this.#partFill, bytes.length - offset, SLICE_SIZE);
      const piece = n === bytes.length ? bytes : bytes.subarray(offset, offset + n);
      this.#part ??= new KernelTreeHasher({ linear: true, engine: this.#partEngine });
      this.#part.update(piece);
      this.#whole?.update(piece);
      this.#partFill += n;
      this.#size += n;
      offset += n;
      if (this.#partFill === this.#partSize) {
        completed.push(this.#completePart());
        this.#markPartStart();
      }
    }
    return completed;
  }

  finish(): { lastPart: PartChecksums | undefined; result: MultipartChecksums } {
    this.#live('finish');
    this.#finished = true;
    const lastPart = this.#partFill > 0 ? this.#completePart() : undefined;
    if (this.#partTreeHashes.length === 0) {
      throw new TreeHashError('ERR_EMPTY_ARCHIVE', 'an empty archive cannot be uploaded: Glacier archives are 1 byte to 42,949,672,960,000 bytes; got 0 bytes');
    }
    const size = this.size;
    const result: MultipartChecksums = {
      size,
      partSize: this.#partSize,
      treeHash: combineTreeHashes(this.#partTreeHashes),
      sha256: this.#whole?.digest(),
      parts: this.#parts,
      resumedParts: this.#resumed.length,
    };
    return { lastPart, result };
  }

  save(): Uint8Array {
    return encodeState(this.saveFields(), STATE_SEAL);
  }

  /** @internal What save() encodes; `partTreeHashes` is the hasher's own list, not a copy (read it at once). */
  saveFields(): PartHasherState {
    this.#live('save');
    const atPartStart = this.#partFill > 0 && !this.#exactPart;
    const part = atPartStart ? undefined : this.#part?.saveRecord();
    const whole = atPartStart ? this.#wholeAtPartStart : this.#whole instanceof LinearSha256 ? this.#whole.record() : undefined;
    return { kind: 'part', partSize: this.#partSize, partTreeHashes: this.#partTreeHashes, part, whole };
  }

  /**
   * Restores {@link save} bytes into a new hasher; `options` are those a state does not hold. The
   * state is checked whole first (src/core/saved-state.ts): its check, and every field against the
   * others (a part in progress shorter than a part, a whole-archive SHA-256 of exactly the bytes so far).
   */
  static restore(state: unknown, options?: RestorePartHasherOptions): KernelPartHasher {
    const { partSize, partTreeHashes, part, whole } = decodeState(state, 'part', STATE_SEAL);
    // Validate the options before anything holds a kernel instance.
    const given = optionsObject<RestorePartHasherOptions>(options, 'the options of restorePartHasher');
    const hasher = new KernelPartHasher({ ...given, partSize, resumeFrom: partTreeHashes, linear: false });
    if (part !== undefined) {
      hasher.#part = KernelTreeHasher.fromRecord(part, { engine: hasher.#partEngine });
      hasher.#exactPart = true; // its SHA-256 state is in Wasm, restored
      hasher.#partFill = part.size;
      hasher.#size += part.size;
    }
    if (whole !== undefined) {
      hasher.#whole = restoreLinearSha256(whole);
      if (part === undefined) hasher.#markPartStart();
    }
    return hasher;
  }
}

/**
 * Continues a {@link PartHasher} from its `save()` bytes, at the saved byte
 * (`hasher.size`): feed it the archive from there on. Parts completed before the save count as
 * resumed (`resumedParts`); the whole-archive SHA-256 continues if it was saved. `engine` and
 * `savePoint` are the new hasher's, as for {@link createPartHasher}.
 * @throws {TreeHashError} `ERR_INVALID_STATE` for anything but the unchanged bytes of a save() of
 *   this release (a changed byte fails the state's SHA-256 check; null and other non-bytes too).
 * @example
 * const hasher = restorePartHasher(state);
 * for (const part of hasher.update(bytesFrom(hasher.size))) upload(part);
 */
export function restorePartHasher(state: Uint8Array, options?: RestorePartHasherOptions): PartHasher {
  return KernelPartHasher.restore(state, options);
}

/**
 * A synchronous part hasher: feed it the archive's bytes with `update()` (which returns the parts
 * completed), then `finish()`. By default `save()` captures the exact byte reached, so each part's
 * SHA-256 stays in Wasm; `savePoint: 'part'` hashes it with node:crypto where there is one (about
 * 2.5× faster) and saves at the start of the part in progress instead.
 * @throws {TreeHashError} `ERR_INVALID_PART_SIZE`, `ERR_INVALID_HEX`/`ERR_INVALID_DIGEST` (a bad `resumeFrom` hash),
 *   `ERR_INVALID_OPTION` (also for `savePoint: 'byte'` with engine `'native'`), `ERR_TOO_MANY_PARTS`.
 * @example
 * const hasher = createPartHasher({ partSize: 8 * MiB, savePoint: 'part' });
 * for (const chunk of chunks) for (const part of hasher.update(chunk)) upload(part);
 * const { lastPart, result } = hasher.finish();
 */
export function createPartHasher(options: PartHasherOptions): PartHasher {
  return new KernelPartHasher(options);
}
