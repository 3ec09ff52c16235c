/**
 * Part checksums for multipart uploads, in one pass over the bytes, and the archive tree hash from
 * part tree hashes. Pure: no I/O here; src/node/ and src/web/ feed it files and Blobs.
 *
 * Why the archive hash can come from the part hashes: with a part size of 2^k MiB, part i covers
 * leaves [i·2^k, (i+1)·2^k), which is exactly the tree node at level k, index i; so the ordinary
 * pairwise tree over the part hashes is the archive root. With any other part size it is not
 * (Glacier developer guide, "Computing Checksums"; GLACIER.md §1.4).
 */
import { type BytesLike, isBytesLike, toBytes } from '../core/bytes.js';
import { DIGEST_LENGTH, MiB } from '../core/constants.js';
import { toTreeHashBytes } from '../core/digest.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { type Engine, type EngineOptions, checkEngine, nativeHashFactory } from '../hash/engine.js';
import { LinearSha256, TreeHasher, createLinearSha256, createTreeHasher, restoreLinearSha256 } from '../hash/tree-hasher.js';
import {
  MAX_PARTS,
  type PlannedPart,
  assertValidPartSize,
  formatContentRange,
  isValidPartSize,
  partCount,
  validatePart,
} from './plan.js';
import { parseRange } from '../retrieval/ranges.js';
import { PROGRESS_STEP, type ProgressCallback, ProgressReporter, abortableIterate, checkProgressCallback, throwIfAborted } from '../stream/chunks.js';
import { combineTreeHashes } from '../hash/combine.js';

/** A part's plan (inclusive byte range, `Content-Range`) with the two checksums UploadMultipartPart sends. */
export interface PartChecksums extends PlannedPart {
  /** `x-amz-sha256-tree-hash` of the part (32 bytes). */
  readonly treeHash: Uint8Array;
  /** `x-amz-content-sha256` of the part: the plain SHA-256 of its bytes (32 bytes). */
  readonly sha256: Uint8Array;
  /** The part's bytes, only when hashing with `keepBytes: true`. */
  readonly bytes?: Uint8Array;
}

/** Everything CompleteMultipartUpload needs, plus the whole archive's linear SHA-256. */
export interface MultipartChecksums {
  /** Archive size in bytes (`x-amz-archive-size`), resumed parts included. */
  readonly size: number;
  /** The part size the archive was cut with. */
  readonly partSize: number;
  /** The archive tree hash (`x-amz-sha256-tree-hash` of CompleteMultipartUpload), built from the part hashes. */
  readonly treeHash: Uint8Array;
  /**
   * SHA-256 of the whole archive (what UploadArchive would send as `x-amz-content-sha256`).
   * `undefined` when hashing resumed from part tree hashes (the skipped bytes were never read) or
   * when `linear: false` was asked for.
   */
  readonly sha256: Uint8Array | undefined;
  /** The parts hashed in this run, in order (resumed parts are not repeated here). */
  readonly parts: readonly PartChecksums[];
  /** How many leading parts came from `resumeFrom` rather than from bytes. */
  readonly resumedParts: number;
}

/** A streaming SHA-256, as `node:crypto`'s `createHash('sha256')` provides one. */
export interface LinearHash {
  update(bytes: Uint8Array): unknown;
  digest(): Uint8Array;
}

/** Options of {@link createPartHasher} and {@link hashParts}. */
export interface PartHasherOptions extends EngineOptions {
  /** The upload's part size: 1 MiB × 2^k, from 1 MiB to 4 GiB. */
  partSize: number;
  /**
   * Tree hashes of the parts already uploaded, from part 0 on without gaps (ListParts'
   * `SHA256TreeHash` values, hex or bytes). The bytes then given start at byte
   * `resumeFrom.length × partSize`, and those parts are not read again. Every resumed part is taken
   * to be a full part (only the last part of an archive may be shorter, and it is never resumed).
   */
  resumeFrom?: readonly (Uint8Array | string)[];
  /**
   * Also compute the linear SHA-256 of the whole archive (default true), the same option as
   * `linear` of `hashFile` and the streaming functions. `false` saves one pass; a function
   * supplies the hash (the Node adapter passes `node:crypto`'s native SHA-256).
   */
  linear?: boolean | (() => LinearHash);
  /**
   * What `save()` captures while a part is being read (between parts both are the same):
   * - `'byte'`: the exact byte reached. Each part's SHA-256 is then kept in Wasm, so with
   *   `'auto'` it runs at Wasm speed. Not with engine `'native'` (node:crypto cannot export a hash midway).
   * - `'part'`: the start of the part being read (a restored run reads that part again); each
   *   part's SHA-256 runs on node:crypto where there is one (`'auto'`, `'native'`), about 2.5×
   *   faster. A hasher restored from a state inside a part still saves that one part at the byte.
   *
   * Default: `'byte'` for {@link createPartHasher} and {@link restorePartHasher} (`'part'` with engine
   * `'native'`); `'part'` for {@link hashParts} and the file, Blob and stream adapters, whose
   * `save()` is meant for the body of the `for await` loop, where a part has just completed.
   */
  savePoint?: 'byte' | 'part';
}

/** Options of {@link restorePartHasher}: those a saved state does not hold. */
export type RestorePartHasherOptions = Pick<PartHasherOptions, 'engine' | 'savePoint'>;

/**
 * The archive tree hash from the tree hashes of all its parts, in order, without reading the data:
 * what CompleteMultipartUpload sends. Only valid because the part size is 1 MiB × 2^k, so any other
 * size is refused; the number of hashes must be ceil(archiveSize / partSize).
 * @throws {TreeHashError} `ERR_INVALID_PART_SIZE`; `ERR_INVALID_SIZE`, `ERR_EMPTY_ARCHIVE`,
 *   `ERR_ARCHIVE_TOO_LARGE` for the archive size; `ERR_TOO_MANY_PARTS` when the sizes need more than
 *   10,000 parts; `ERR_PART_COUNT_MISMATCH` when the count of hashes differs from what the sizes need;
 *   `ERR_INVALID_HEX` for a hash string that is not 64 hex digits, `ERR_INVALID_DIGEST` for bytes that are not 32 long.
 * @example
 * // 6.5 MiB archive in 2 MiB parts: four part hashes (from UploadMultipartPart or ListParts)
 * const root = archiveTreeHashFromParts([h0, h1, h2, h3], { partSize: 2097152, archiveSize: 6815744 });
 */
export function archiveTreeHashFromParts(
  partTreeHashes: readonly (Uint8Array | string)[],
  options: { partSize: number; archiveSize: number },
): Uint8Array {
  const { partSize, archiveSize } = options ?? ({} as { partSize?: unknown; archiveSize?: unknown });
  assertValidPartSize(partSize);
  const expected = partCount(archiveSize as number, partSize);
  if (!Array.isArray(partTreeHashes) || partTreeHashes.length !== expected) {
    throw new TreeHashError(
      'ERR_PART_COUNT_MISMATCH',
      `an archive of ${archiveSize} bytes in parts of ${partSize} bytes has ${expected} parts, so it needs ${expected} part tree hashes; ` +
        `got ${Array.isArray(partTreeHashes) ? partTreeHashes.length : describeValue(partTreeHashes)}`,
    );
  }
  return combineTreeHashes(partTreeHashes.map((hash, i) => toTreeHashBytes(hash, `partTreeHashes[${i}]`)));
}

/**
 * Bytes hashed into the part and the whole-archive hash in turn: a slice copied into the part
 * hasher's window is still in the CPU cache when the whole-archive hash reads it.
 */
const SLICE_SIZE = MiB;

let emptyPart: Uint8Array | undefined;

/** The saved state of a part with no bytes yet (what save() stores between parts). */
function emptyPartState(): Uint8Array {
  if (emptyPart === undefined) {
    const hasher = createTreeHasher({ linear: true });
    emptyPart = hasher.save();
    hasher.digest(); // gives its kernel instance back
  }
  return emptyPart;
}

// Saved PartHasher state: "GTHP", format, flags, 2 spare bytes, part size (f64 LE), then three u32
// LE counts (part tree hashes, part-hasher state bytes, whole-hash state bytes), then those bytes.
const STATE_MAGIC = [0x47, 0x54, 0x48, 0x50];
const STATE_FORMAT = 1;
const STATE_HEADER = 28;
const FLAG_WHOLE = 1;

/**
 * Cuts a byte stream into multipart parts and hashes each part as it completes. Synchronous and
 * I/O-free: {@link hashParts} and the file/Blob adapters drive it. Create with {@link createPartHasher}.
 */
export class PartHasher {
  readonly #partSize: number;
  readonly #resumed: Uint8Array[];
  readonly #partTreeHashes: Uint8Array[];
  readonly #parts: PartChecksums[] = [];
  #part: TreeHasher | undefined; // the part being filled; none (no kernel instance held) between parts
  #whole: LinearHash | LinearSha256 | undefined; // LinearSha256: the kernel's, which save() carries
  readonly #savePoint: 'byte' | 'part';
  readonly #partEngine: Engine; // the part hashers' engine
  #exactPart: boolean; // save() can capture the part in progress (its SHA-256 is in Wasm)
  #wholeAtPartStart: Uint8Array | undefined; // savePoint 'part': the kernel whole hash's state where the part began
  #index: number; // the part being filled
  #partFill = 0; // its bytes so far
  #size: number; // archive bytes so far, resumed parts included
  #finished = false;

  /** Use {@link createPartHasher}. */
  constructor(options: PartHasherOptions) {
    if (options === null || typeof options !== 'object') {
      throw new TreeHashError('ERR_INVALID_OPTION', `options must be an object with a partSize, got ${describeValue(options)}`);
    }
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
    this.#partEngine = savePoint === 'part' && engine === 'auto' && nativeHashFactory() !== undefined ? 'native' : engine;
    this.#partSize = options.partSize;
    this.#resumed = resumeFrom.map((hash, i) => toTreeHashBytes(hash, `resumeFrom[${i}]`));
    this.#partTreeHashes = [...this.#resumed];
    this.#index = this.#resumed.length;
    this.#size = this.#index * this.#partSize;
    // The skipped bytes were never seen, so a resumed run cannot know the whole archive's SHA-256.
    this.#whole =
      this.#resumed.length > 0 || linear === false ? undefined : linear === true ? createLinearSha256() : linear();
    this.#markPartStart();
  }

  /** With savePoint 'part', keeps the whole-archive hash's state at the start of a part for save(). */
  #markPartStart(): void {
    if (this.#savePoint === 'part' && this.#whole instanceof LinearSha256) this.#wholeAtPartStart = this.#whole.save();
  }

  /** The part size. */
  get partSize(): number {
    return this.#partSize;
  }

  /** Archive bytes accounted for so far, resumed parts included. */
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

  /**
   * Adds the archive's next bytes and returns the parts they completed, in order (often none; several
   * when `bytes` spans more than a part). The caller may reuse `bytes` once this returns.
   * @throws {TreeHashError} `ERR_TOO_MANY_PARTS` when the bytes go past 10,000 parts;
   *   `ERR_INVALID_INPUT` for something that is not bytes; `ERR_HASH_FINALIZED` after {@link finish}.
   */
  update(data: BytesLike): PartChecksums[] {
    this.#live('update');
    const bytes = toBytes(data);
    const completed: PartChecksums[] = [];
    let offset = 0;
    while (offset < bytes.length) {
      if (this.#partFill === 0) this.#checkRoom();
      const n = Math.min(this.#partSize - this.#partFill, bytes.length - offset, SLICE_SIZE);
      const piece = n === bytes.length ? bytes : bytes.subarray(offset, offset + n);
      this.#part ??= createTreeHasher({ linear: true, engine: this.#partEngine });
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

  /**
   * Ends the archive: hashes the last, shorter part if there is one, and returns it with the totals.
   * @throws {TreeHashError} `ERR_EMPTY_ARCHIVE` when no bytes and no resumed parts were given (Glacier
   *   stores 1 byte at least); `ERR_HASH_FINALIZED` when called twice.
   */
  finish(): { lastPart: PartChecksums | undefined; result: MultipartChecksums } {
    this.#live('finish');
    this.#finished = true;
    const lastPart = this.#partFill > 0 ? this.#completePart() : undefined;
    if (this.#partTreeHashes.length === 0) {
      throw new TreeHashError(
        'ERR_EMPTY_ARCHIVE',
        'an empty archive cannot be uploaded: Glacier archives are 1 byte to 42,949,672,960,000 bytes; got 0 bytes',
      );
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
  save(): Uint8Array {
    this.#live('save');
    const atPartStart = this.#partFill > 0 && !this.#exactPart;
    const partState = atPartStart ? emptyPartState() : (this.#part?.save() ?? emptyPartState());
    const whole = this.#whole instanceof LinearSha256 ? this.#whole : undefined;
    const wholeState = (atPartStart ? this.#wholeAtPartStart : whole?.save()) ?? new Uint8Array(0);
    const hashes = this.#partTreeHashes;
    const out = new Uint8Array(STATE_HEADER + hashes.length * DIGEST_LENGTH + partState.length + wholeState.length);
    const view = new DataView(out.buffer);
    out.set(STATE_MAGIC, 0);
    out[4] = STATE_FORMAT;
    out[5] = wholeState.length > 0 ? FLAG_WHOLE : 0;
    view.setFloat64(8, this.#partSize, true);
    view.setUint32(16, hashes.length, true);
    view.setUint32(20, partState.length, true);
    view.setUint32(24, wholeState.length, true);
    let offset = STATE_HEADER;
    for (const hash of hashes) {
      out.set(hash, offset);
      offset += DIGEST_LENGTH;
    }
    out.set(partState, offset);
    out.set(wholeState, offset + partState.length);
    return out;
  }

  /** @internal Use {@link restorePartHasher}. */
  static restore(state: Uint8Array, options: RestorePartHasherOptions = {}): PartHasher {
    const invalid = (why: string, cause?: unknown): never => {
      throw new TreeHashError('ERR_INVALID_STATE', `cannot restore the part hasher: ${why}`, cause === undefined ? undefined : { cause });
    };
    if (!(state instanceof Uint8Array) || state.length < STATE_HEADER || STATE_MAGIC.some((b, i) => state[i] !== b)) {
      return invalid(`expected bytes from PartHasher.save(), got ${describeValue(state)}`);
    }
    if (state[4] !== STATE_FORMAT) return invalid(`state format ${state[4]} is not ${STATE_FORMAT}`);
    const view = new DataView(state.buffer, state.byteOffset, state.byteLength);
    const partSize = view.getFloat64(8, true);
    const count = view.getUint32(16, true);
    const partLength = view.getUint32(20, true);
    const wholeLength = view.getUint32(24, true);
    if (!isValidPartSize(partSize)) return invalid(`the saved part size ${partSize} is not a valid part size`);
    if (count > MAX_PARTS) return invalid(`${count} saved part hashes exceed the ${MAX_PARTS}-part limit`);
    if (state.length !== STATE_HEADER + count * DIGEST_LENGTH + partLength + wholeLength || ((state[5]! & FLAG_WHOLE) !== 0) !== wholeLength > 0) {
      return invalid(`the state's ${state.length} bytes do not match its header`);
    }
    const hashes: Uint8Array[] = [];
    let offset = STATE_HEADER;
    for (let i = 0; i < count; i++, offset += DIGEST_LENGTH) hashes.push(state.slice(offset, offset + DIGEST_LENGTH));
    // Validate the options before anything holds a kernel instance.
    const hasher = new PartHasher({ ...options, partSize, resumeFrom: hashes, linear: false });
    const part = TreeHasher.restore(state.subarray(offset, offset + partLength), { engine: hasher.#partEngine });
    offset += partLength;
    const partSizeSoFar = part.size;
    const fits = part.linear && partSizeSoFar < partSize && (partSizeSoFar === 0 || count < MAX_PARTS);
    // Hold a kernel instance only for a part in progress (digest() gives it back).
    if (!fits || partSizeSoFar === 0) part.digest();
    if (!fits) return invalid(`the part in progress (${partSizeSoFar} bytes) does not fit a part of ${partSize} bytes`);
    if (partSizeSoFar > 0) {
      hasher.#part = part;
      hasher.#exactPart = true; // its SHA-256 state is in Wasm, restored
    }
    hasher.#partFill = partSizeSoFar;
    hasher.#size += partSizeSoFar;
    if (wholeLength > 0) {
      let whole: LinearSha256;
      try {
        whole = restoreLinearSha256(state.subarray(offset, offset + wholeLength));
      } catch (cause) {
        hasher.#part?.digest();
        throw cause;
      }
      if (whole.size !== hasher.#size) {
        whole.digest();
        hasher.#part?.digest();
        return invalid(`the whole-archive hash covers ${whole.size} bytes, not ${hasher.#size}`);
      }
      hasher.#whole = whole;
      if (partSizeSoFar === 0) hasher.#markPartStart();
    }
    return hasher;
  }
}

/**
 * Continues a {@link PartHasher} from {@link PartHasher.save} bytes, at the saved byte
 * (`hasher.size`): feed it the archive from there on. Parts completed before the save count as
 * resumed (`resumedParts`); the whole-archive SHA-256 continues if it was saved. `engine` and
 * `savePoint` are the new hasher's, as for {@link createPartHasher}.
 * @throws {TreeHashError} `ERR_INVALID_STATE` for bytes that are not a saved state, or a state from
 *   another build of the kernel.
 * @example
 * const hasher = restorePartHasher(state);
 * for (const part of hasher.update(bytesFrom(hasher.size))) upload(part);
 */
export function restorePartHasher(state: Uint8Array, options?: RestorePartHasherOptions): PartHasher {
  return PartHasher.restore(state, options);
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
  return new PartHasher(options);
}

/** The part checksums of a source, as they complete, then the totals. Returned by {@link hashParts}. */
export interface PartHashing extends AsyncIterable<PartChecksums> {
  /**
   * The totals: all parts, the archive tree hash and the whole SHA-256. Reads whatever the iteration
   * has not read yet, so `await hashParts(source, options).done()` alone hashes everything.
   * @throws {TreeHashError} `ERR_INVALID_STATE` when the iteration was stopped early (`break`), which
   *   closed the source; also any error of the source or of the hashing.
   */
  done(): Promise<MultipartChecksums>;
  /** The archive byte the source is read from: 0, or where the resumed or restored parts end. */
  readonly start: number;
  /**
   * The hashing state (see {@link PartHasher.save}) for a later run with the `restore` option. Called
   * in the body of the `for await`, it is the state right after the part just yielded: a restored run
   * yields the parts after it. Called while a part is being read, it is the state at that part's
   * start (at the exact byte with `savePoint: 'byte'`); the restored run's `start` says which.
   * The whole-archive SHA-256 is kept only when it is the kernel's.
   * @throws {TreeHashError} `ERR_HASH_FINALIZED` once the last part was hashed.
   */
  save(): Uint8Array;
}

type IterableSource = AsyncIterable<BytesLike> | Iterable<BytesLike>;

/** The bytes of the part being read, for `keepBytes`: grown by doubling up to the part size. */
class PartBytes {
  readonly #partSize: number;
  #buffer = new Uint8Array(0);
  #fill = 0;

  constructor(partSize: number) {
    this.#partSize = partSize;
  }

  add(piece: Uint8Array): void {
    if (this.#fill + piece.length > this.#buffer.length) {
      // Grow, rather than take the part size at once: a 4 GiB part size for a small archive.
      const grown = new Uint8Array(Math.min(this.#partSize, Math.max(2 * this.#buffer.length, this.#fill + piece.length, 1024 * 1024)));
      grown.set(this.#buffer.subarray(0, this.#fill));
      this.#buffer = grown;
    }
    this.#buffer.set(piece, this.#fill);
    this.#fill += piece.length;
  }

  /** The part's bytes; the next part starts a new buffer (the consumer keeps this one). */
  take(): Uint8Array {
    const bytes = this.#buffer.length === this.#fill ? this.#buffer : this.#buffer.subarray(0, this.#fill);
    this.#buffer = new Uint8Array(0);
    this.#fill = 0;
    return bytes;
  }
}

class PartHashingRun implements PartHashing {
  readonly #generator: AsyncGenerator<PartChecksums, void, undefined>;
  readonly #hasher: PartHasher;
  readonly start: number;
  #result: MultipartChecksums | undefined;
  #failure: unknown; // the error that ended the run, for done() after a failed iteration
  #failed = false;
  #iterated = false;

  readonly #pipeline: (() => PartPipelineFactory | undefined) | undefined;

  constructor(
    chunks: (start: number) => IterableSource,
    options: HashPartsOptions,
    archiveSize?: ArchiveSize,
    pipeline?: () => PartPipelineFactory | undefined,
  ) {
    this.#pipeline = pipeline;
    // Validate now so a bad option throws at the call, not at the first iteration.
    this.#hasher = hasherFor(options);
    const onProgress = checkProgressCallback(options.onProgress);
    this.start = this.#hasher.size;
    if (options.keepBytes === true && this.start % this.#hasher.partSize !== 0) {
      throw new TreeHashError(
        'ERR_INVALID_OPTION',
        `keepBytes needs to start at a part boundary, but the restored state is at byte ${this.start}: the part's first bytes are gone`,
      );
    }
    const kept = options.keepBytes === true ? new PartBytes(this.#hasher.partSize) : undefined;
    this.#generator = this.#run(chunks, this.#hasher, options.signal, kept, onProgress, archiveSize);
  }

  save(): Uint8Array {
    return this.#hasher.save();
  }

  async *#run(
    chunks: (start: number) => IterableSource,
    hasher: PartHasher,
    signal: AbortSignal | undefined,
    kept: PartBytes | undefined,
    onProgress: ProgressCallback | undefined,
    archiveSize: ArchiveSize | undefined,
  ): AsyncGenerator<PartChecksums, void, undefined> {
    try {
      throwIfAborted(signal); // before opening the source
      // The total is what this run hashes: the archive after the resumed or restored bytes.
      const size = onProgress === undefined ? undefined : await archiveSize?.();
      const progress = new ProgressReporter(onProgress, size === undefined ? undefined : Math.max(0, size - this.start));
      yield* this.#read(chunks(this.start), hasher, signal, kept, progress);
    } catch (error) {
      this.#failed = true;
      this.#failure = error;
      throw error;
    }
  }

  /** The adapter's pipeline for this run, if it has one and the hasher allows it (asked once the source gave its first chunk). */
  #pipelineFor(hasher: PartHasher, progress: ProgressReporter): PartPipeline | undefined {
    const factory = this.#pipeline?.();
    const setup = factory === undefined ? undefined : hasher.handOver();
    return setup === undefined ? undefined : factory!({ whole: setup.whole, onHashed: (length) => progress.advance(length) });
  }

  /** The parts of `source`, then the last one; the totals go to #result. */
  async *#read(
    source: IterableSource,
    hasher: PartHasher,
    signal: AbortSignal | undefined,
    kept: PartBytes | undefined,
    progress: ProgressReporter,
  ): AsyncGenerator<PartChecksums, void, undefined> {
    const start = hasher.size;
    const partSize = hasher.partSize;
    let pipeline: PartPipeline | undefined;
    let first = true;
    let fill = 0; // with a pipeline: bytes of the part being read
    let closed = false;
    try {
      try {
        for await (const chunk of abortableIterate(source, signal)) {
          // Hash only up to the next part boundary before yielding, so that while the consumer holds
          // part i, exactly the bytes up to its end are hashed: save() then resumes after part i.
          const bytes = toBytes(chunk as BytesLike, 'each chunk');
          if (first) {
            first = false;
            pipeline = this.#pipelineFor(hasher, progress);
          }
          for (let offset = 0; offset < bytes.length; ) {
            if (pipeline !== undefined && fill === 0) hasher.startHashedPart();
            const partBytesSoFar = pipeline === undefined ? hasher.size % partSize : fill;
            const n = Math.min(bytes.length - offset, partSize - partBytesSoFar);
            const piece = offset === 0 && n === bytes.length ? bytes : bytes.subarray(offset, offset + n);
            kept?.add(piece);
            offset += n;
            if (pipeline === undefined) {
              const completed = progress.active ? updateCounted(hasher, piece, progress) : hasher.update(piece);
              for (const part of completed) yield kept ? { ...part, bytes: kept.take() } : part;
              continue;
            }
            // The pipeline: a part is yielded once all its bytes are hashed.
            await pipeline.update(piece);
            fill += n;
            if (fill === partSize) {
              fill = 0;
              const part = hasher.addHashedPart(await pipeline.cut());
              yield kept ? { ...part, bytes: kept.take() } : part;
            }
          }
        }
      } catch (cause) {
        // The callback's own error is the caller's, not a failure of the source.
        if (cause instanceof TreeHashError || progress.threw(cause)) throw cause;
        throw new TreeHashError('ERR_READ_FAILED', `reading the source failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
      }
      throwIfAborted(signal);
      let finished;
      if (pipeline === undefined) finished = hasher.finish();
      else {
        const last = fill > 0 ? await pipeline.cut() : undefined;
        const whole = await pipeline.close();
        closed = true;
        finished = hasher.finishHashed(last, whole);
      }
      const { lastPart, result } = finished;
      progress.finish(result.size - start);
      if (lastPart) yield kept ? { ...lastPart, bytes: kept.take() } : lastPart;
      this.#result = result;
    } finally {
      // An error, an abort, or the consumer stopped early: wait for the pipeline's work in flight, keep nothing.
      if (pipeline !== undefined && !closed) await pipeline.abandon();
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<PartChecksums> {
    if (this.#iterated) {
      throw new TreeHashError('ERR_INVALID_STATE', 'the parts can be iterated once; call hashParts() again for another pass');
    }
    this.#iterated = true;
    return this.#generator;
  }

  async done(): Promise<MultipartChecksums> {
    this.#iterated = true;
    for (;;) {
      const step = await this.#generator.next();
      if (step.done) break;
    }
    if (this.#failed) throw this.#failure;
    if (this.#result === undefined) {
      throw new TreeHashError('ERR_INVALID_STATE', 'the iteration over the parts was stopped before the end, so there are no totals');
    }
    return this.#result;
  }
}

/** `hasher.update(piece)` by steps, each one counted: a big piece (bytes given whole) still reports as it goes. */
function updateCounted(hasher: PartHasher, piece: Uint8Array, progress: ProgressReporter): PartChecksums[] {
  const completed: PartChecksums[] = [];
  for (let offset = 0; offset < piece.length; offset += PROGRESS_STEP) {
    const step = piece.subarray(offset, offset + PROGRESS_STEP);
    completed.push(...hasher.update(step));
    progress.advance(step.length);
  }
  return completed;
}

/** Options of {@link hashParts} and the file/Blob adapters. */
export interface HashPartsOptions extends PartHasherOptions {
  /** Stops the reading; iteration and `done()` reject with `ERR_ABORTED` (the reason as `cause`). */
  signal?: AbortSignal;
  /**
   * Also hand out each part's bytes as `part.bytes` (default false), for uploading from a source that
   * cannot be read twice (a pipe, a network stream). Costs one copy and up to a part size of memory
   * per part held; the totals of `done()` never keep them.
   */
  keepBytes?: boolean;
  /**
   * Continue from a state saved with `save()` (of a {@link PartHashing} or a {@link PartHasher}):
   * reading starts at the saved byte. `partSize` must be the saved one; not with `resumeFrom`.
   */
  restore?: Uint8Array;
  /**
   * Progress reports while the parts are hashed (see `ProgressCallback`): at least 1 MiB apart,
   * then once when every byte is hashed, just before the last part is yielded. `bytes` and `total`
   * count what this run hashes (after resumed or restored parts); `total` is known for bytes, files
   * and Blobs, `undefined` for streams until the final call.
   */
  onProgress?: ProgressCallback;
}

/** The archive's whole size when an adapter can know it up front (a file's, a Blob's), for progress. */
type ArchiveSize = () => number | undefined | Promise<number | undefined>;

/** The part hasher for `options`: a new one, or one restored from `options.restore`. */
function hasherFor(options: HashPartsOptions): PartHasher {
  if (options === null || typeof options !== 'object') return createPartHasher(options);
  // save() here is for the loop body, where a part has just completed: nothing needs each part's
  // SHA-256 state, so by default it runs on node:crypto where there is one.
  const savePoint = options.savePoint ?? 'part';
  if (options.restore === undefined) return createPartHasher({ ...options, savePoint });
  if (options.resumeFrom !== undefined) {
    throw new TreeHashError('ERR_INVALID_OPTION', 'give either resumeFrom or restore, not both: a saved state already holds the part hashes');
  }
  assertValidPartSize(options.partSize);
  const hasher = restorePartHasher(options.restore, { ...(options.engine === undefined ? {} : { engine: options.engine }), savePoint });
  if (hasher.partSize !== options.partSize) {
    throw new TreeHashError('ERR_INVALID_STATE', `the saved state has a part size of ${hasher.partSize} bytes, not ${options.partSize}`);
  }
  return hasher;
}

/**
 * @internal Builds a {@link PartHashing} over a function that opens the byte source at a given
 * archive byte (0, or after resumed or restored parts): for the adapters. `pipeline`, asked once
 * the source has given its first chunk (so the adapter may know the size by then), may offer a
 * faster way to hash the parts.
 */
export function hashPartsOf(
  open: (start: number) => IterableSource,
  options: HashPartsOptions,
  archiveSize?: ArchiveSize,
  pipeline?: () => PartPipelineFactory | undefined,
): PartHashing {
  return new PartHashingRun(open, options, archiveSize, pipeline);
}

/**
 * @internal An adapter's faster way to hash the bytes of parts (src/node/parts.ts: worker threads),
 * used when the part hasher allows it (see `PartHasher.handOver`).
 */
export interface PartPipeline {
  /** Hashes `piece` (within the part being read); the caller may reuse it once this resolves. */
  update(piece: Uint8Array): Promise<void>;
  /** The checksums of the part's bytes (all given since the last cut), once they are hashed. */
  cut(): Promise<{ size: number; treeHash: Uint8Array; sha256: Uint8Array }>;
  /** After the last cut: the whole archive's SHA-256 when `whole` was asked for; frees what it holds. */
  close(): Promise<Uint8Array | undefined>;
  /** Gives up (an error, an abort, an early stop): waits for the work in flight, keeps nothing. */
  abandon(): Promise<void>;
}

/** @internal Makes a {@link PartPipeline}: `whole` asks for the archive's SHA-256, `onHashed` counts bytes as they are hashed. */
export type PartPipelineFactory = (setup: { whole: boolean; onHashed: (length: number) => void }) => PartPipeline;

/**
 * Part checksums of an archive given as bytes (Uint8Array, ArrayBuffer, string as UTF-8) or as an
 * async or sync iterable of byte chunks (a Node Readable, a generator, an array of Uint8Arrays; a
 * web ReadableStream where it is async-iterable, else see `hashWebStreamParts`). Each part
 * is yielded as soon as its last byte has been hashed, so an uploader can send part i while part
 * i+1 is being read; `done()` then gives the archive tree hash (from the part hashes, nothing is
 * hashed twice) and the whole archive's SHA-256. For files use `hashFileParts` (glacier-treehash/node),
 * for Blobs and Web Streams `hashBlobParts` and `hashWebStreamParts` (glacier-treehash/web).
 * Bytes (not an iterable) are the whole archive: with `resumeFrom` or `restore` they are read from
 * the resume point on, as files and Blobs are; an iterable gives the bytes from that point on. For
 * bytes, the whole SHA-256 is node:crypto's where there is one (engine 'auto' or 'native'), over
 * all the bytes, so resumed and restored runs give it too.
 * @throws {TreeHashError} at the call: the codes of {@link createPartHasher}, `ERR_INVALID_RANGE` when
 *   the resumed parts cover more than the bytes given. While iterating:
 *   `ERR_READ_FAILED` (the source's error as `cause`), `ERR_INVALID_INPUT` for a chunk that is not bytes,
 *   `ERR_TOO_MANY_PARTS`, `ERR_EMPTY_ARCHIVE`, `ERR_ABORTED`.
 * To send part i while part i+1 is hashed, start its upload without awaiting it in the loop body
 * (and bound how many are in flight); `keepBytes: true` hands out each part's bytes for sources that
 * cannot be read again.
 * @example
 * const hashing = hashParts(fs.createReadStream('big.tar'), { partSize: 64 * MiB });
 * for await (const part of hashing) {
 *   await uploadPart(part.contentRange, toHex(part.treeHash), toHex(part.sha256));
 * }
 * const { treeHash, size } = await hashing.done(); // for CompleteMultipartUpload
 */
export function hashParts(source: IterableSource | BytesLike, options: HashPartsOptions): PartHashing {
  if (isBytesLike(source)) {
    // A string or Uint8Array is iterable, but per character/byte: take it as one chunk instead. The
    // bytes are the whole archive, so after resumed or restored parts read them from there on.
    const bytes = toBytes(source);
    // All the archive is at hand, so its SHA-256 needs no saved state: node:crypto hashes it,
    // whatever was resumed or restored, where there is one (the Wasm kernel's would be a third
    // as fast).
    const native = wantsNativeWholeHash(options) ? nativeHashFactory() : undefined;
    const partOptions = native === undefined ? options : { ...options, linear: false };
    const hashing = hashPartsOf((start) => [bytes.subarray(start)], partOptions, () => bytes.length);
    if (hashing.start > bytes.length) {
      throw new TreeHashError('ERR_INVALID_RANGE', `the resumed parts cover ${hashing.start} bytes, more than the ${bytes.length} bytes given`);
    }
    return native === undefined ? hashing : new WholeBytesHashing(hashing, bytes, native());
  }
  const iterable = source as Partial<AsyncIterable<unknown> & Iterable<unknown>> | null;
  if (iterable == null || (typeof iterable[Symbol.asyncIterator] !== 'function' && typeof iterable[Symbol.iterator] !== 'function')) {
    throw new TreeHashError('ERR_INVALID_INPUT', `hashParts expects bytes or an (async) iterable of byte chunks, got ${describeValue(source)}`);
  }
  // The caller gives the bytes from `start` on (after resumed or restored parts).
  return hashPartsOf(() => source as IterableSource, options);
}

/** Whether `hashParts(bytes, options)` asks for the whole SHA-256 with an engine that allows node:crypto. */
function wantsNativeWholeHash(options: HashPartsOptions): boolean {
  if (options === null || typeof options !== 'object') return false; // createPartHasher reports it
  return (options.linear === undefined || options.linear === true) && (options.engine === undefined || options.engine === 'auto' || options.engine === 'native');
}

/**
 * Part hashing of bytes held in memory, with the whole archive's SHA-256 on node:crypto: fed each
 * part's bytes as the part is yielded (from byte 0, also after resumed or restored parts), and the
 * rest at `done()`.
 */
class WholeBytesHashing implements PartHashing {
  readonly #parts: PartHashing;
  readonly #bytes: Uint8Array;
  readonly #whole: LinearHash;
  #fed = 0; // bytes[0, #fed) are in #whole

  constructor(parts: PartHashing, bytes: Uint8Array, whole: LinearHash) {
    this.#parts = parts;
    this.#bytes = bytes;
    this.#whole = whole;
  }

  get start(): number {
    return this.#parts.start;
  }

  save(): Uint8Array {
    return this.#parts.save();
  }

  #feed(end: number): void {
    if (end > this.#fed) this.#whole.update(this.#bytes.subarray(this.#fed, end));
    this.#fed = Math.max(this.#fed, end);
  }

  [Symbol.asyncIterator](): AsyncIterator<PartChecksums> {
    // The inner iterator itself (it refuses a second iteration at once), with each part fed on its way out.
    const parts = this.#parts[Symbol.asyncIterator]();
    return {
      next: async () => {
        const step = await parts.next();
        if (step.done !== true) this.#feed(step.value.end + 1);
        return step;
      },
      return: async (value?: unknown) => (parts.return === undefined ? { done: true, value: undefined } : parts.return(value)),
      throw: async (error?: unknown) => {
        if (parts.throw === undefined) throw error;
        return parts.throw(error);
      },
    };
  }

  async done(): Promise<MultipartChecksums> {
    const result = await this.#parts.done();
    this.#feed(this.#bytes.length);
    return { ...result, sha256: new Uint8Array(this.#whole.digest()) };
  }
}

/** Where a multipart upload stands, from its ListParts pages. */
export interface ListedUpload {
  /** The upload's part size (`PartSizeInBytes`). */
  partSize: number;
  /** Tree hashes of parts 0, 1, … up to the first missing part: pass as `resumeFrom`. */
  resumeFrom: Uint8Array[];
  /** The byte to continue reading at: `resumeFrom.length × partSize`. */
  nextByte: number;
  /** Every listed part by index, including those after a gap (uploaded out of order). */
  uploaded: Map<number, Uint8Array>;
}

/**
 * Reads ListParts responses (one or more pages, SDK v3 shape) into a resume point. Each range is
 * checked against the part size; a last, shorter part ends the resumable prefix (there is nothing
 * after it to hash).
 * @throws {TreeHashError} `ERR_INVALID_PART_SIZE`, `ERR_INVALID_RANGE` (an unreadable
 *   `RangeInBytes`), the codes of {@link validatePart}, `ERR_INVALID_HEX`/`ERR_INVALID_DIGEST`, `ERR_INVALID_INPUT` for
 *   pages that disagree on the part size.
 * @example
 * const page = await glacier.send(new ListPartsCommand({ vaultName, uploadId }));
 * const { resumeFrom } = resumeFromListParts(page);
 * // hashFileParts reads the file from nextByte on; for a stream, give it the bytes from nextByte.
 * const hashing = hashFileParts(path, { partSize: page.PartSizeInBytes!, resumeFrom });
 */
export function resumeFromListParts(
  pages:
    | { PartSizeInBytes?: number; Parts?: readonly { RangeInBytes?: string; SHA256TreeHash?: string }[] }
    | readonly { PartSizeInBytes?: number; Parts?: readonly { RangeInBytes?: string; SHA256TreeHash?: string }[] }[],
): ListedUpload {
  const list = Array.isArray(pages) ? pages : [pages];
  if (list.length === 0 || list.some((page) => page === null || typeof page !== 'object')) {
    throw new TreeHashError('ERR_INVALID_INPUT', `expected ListParts output objects, got ${describeValue(pages)}`);
  }
  const partSize = list[0]!.PartSizeInBytes;
  assertValidPartSize(partSize);
  const uploaded = new Map<number, Uint8Array>();
  let shortPart: number | undefined;
  for (const page of list) {
    if (page.PartSizeInBytes !== partSize) {
      throw new TreeHashError('ERR_INVALID_INPUT', `the pages disagree on the part size: ${partSize} and ${describeValue(page.PartSizeInBytes)}`);
    }
    for (const listed of page.Parts ?? []) {
      const part = validatePart(parseRange(String(listed?.RangeInBytes)), { partSize });
      uploaded.set(part.index, toTreeHashBytes(listed.SHA256TreeHash ?? '', `SHA256TreeHash of ${listed.RangeInBytes}`));
      if (part.size < partSize) shortPart = Math.min(shortPart ?? Infinity, part.index);
    }
  }
  const resumeFrom: Uint8Array[] = [];
  while (uploaded.has(resumeFrom.length) && resumeFrom.length !== shortPart) resumeFrom.push(uploaded.get(resumeFrom.length)!);
  return { partSize, resumeFrom, nextByte: resumeFrom.length * partSize, uploaded };
}
