// The shapes of multipart hashing: options, per-part and whole-archive results, the async
// iteration hashParts returns, and the hooks adapters plug in (byte sources, pipelines).
import type { BytesLike } from '../core/bytes.js';
import type { EngineOptions, LinearHash } from '../hash/engine.js';
import type { ProgressCallback } from '../stream/progress.js';
import type { PlannedPart } from './plan.js';

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

/** Options of `createPartHasher()` and `hashParts()`. */
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
   * Default: `'byte'` for `createPartHasher()` and `restorePartHasher()` (`'part'` with engine
   * `'native'`); `'part'` for `hashParts()` and the file, Blob and stream adapters, whose
   * `save()` is meant for the body of the `for await` loop, where a part has just completed.
   */
  savePoint?: 'byte' | 'part';
}

/** Options of `restorePartHasher()`: those a saved state does not hold. */
export type RestorePartHasherOptions = Pick<PartHasherOptions, 'engine' | 'savePoint'>;

/** Options of `hashParts()` and the file/Blob adapters. */
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
   * Continue from a state saved with `save()` (of a {@link PartHashing} or a `PartHasher`):
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

/** The part checksums of a source, as they complete, then the totals. Returned by `hashParts()`. */
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
   * The hashing state (see `PartHasher.save`) for a later run with the `restore` option. Called
   * in the body of the `for await`, it is the state right after the part just yielded: a restored run
   * yields the parts after it. Called while a part is being read, it is the state at that part's
   * start (at the exact byte with `savePoint: 'byte'`); the restored run's `start` says which.
   * The whole-archive SHA-256 is kept only when it is the kernel's.
   * @throws {TreeHashError} `ERR_HASH_FINALIZED` once the last part was hashed.
   */
  save(): Uint8Array;
}

/** @internal What the adapters read bytes from. */
export type IterableSource = AsyncIterable<BytesLike> | Iterable<BytesLike>;

/** @internal The archive's whole size when an adapter can know it up front (a file's, a Blob's), for progress. */
export type ArchiveSize = () => number | undefined | Promise<number | undefined>;

/**
 * @internal An adapter's faster way to hash the bytes of parts (src/node/parts.ts: worker threads),
 * used when the part hasher allows it (see `KernelPartHasher.handOver`).
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
