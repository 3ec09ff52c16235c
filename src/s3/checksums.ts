// Every value S3 reports for an object, from one pass over its bytes (universal, synchronous): per
// part (S3's part-size rules, part-size.ts) the SHA-256, MD5 and CRCs; from them the composite
// SHA-256 (`base64(SHA-256(d1 || ... || dN))-N`), the multipart ETag (`hex(MD5(m1 || ... || mN))-N`)
// and the full-object CRCs (the parts' CRCs joined with combineCrc); and, in the same pass, the
// Glacier tree hash and linear SHA-256 of the whole.
//
// Input is copied once, into this hasher's own kernel instance's input window; each window is cut
// at part boundaries and every per-part hash reads it there: the CRCs in the kernel, the part's
// SHA-256 in the kernel too (its linear-only mode) for the Wasm engines or node:crypto for
// 'auto'/'native', the MD5 in node:crypto or @noble/hashes. The tree hasher reads the caller's
// bytes (it copies them into its own kernel).
import { type BytesLike, concatBytes, toBytes } from '../core/bytes.js';
import { DIGEST_LENGTH } from '../core/constants.js';
import { type EngineOptions, type LinearHash, type LinearHashFactory, checkEngine, resolveEngine } from '../hash/engine.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { computeChecksums, sha256 } from '../hash/one-shot.js';
import { type Checksums, KernelTreeHasher } from '../hash/tree-hasher.js';
import { toHex } from '../core/hex.js';
import { FLAG_LINEAR, FLAG_NO_TREE, type Kernel, acquireKernel, releaseKernel } from '../kernel/wasm.js';
import { toBase64 } from './base64.js';
import { type CrcAlgorithm, type CrcKernel, acquireCrcKernel, crcInWindow, formatS3Crc, joinCrcs, releaseCrcKernel } from './crc.js';
import { type Md5Factory, type Md5Hash, md5Factory } from './md5.js';
import { type S3PartRange, type S3PartSizePreset, S3_MAX_PARTS, resolveS3PartSize, s3PartCount } from './part-size.js';

export interface S3HashOptions extends EngineOptions {
  /** The part size the upload used, in bytes (5 MiB to 5 GiB), or a preset name (see {@link S3PartSizePreset}). */
  partSize: number | S3PartSizePreset;
  /** The object's size when known: needed by the `'glacier-vaults-to-s3'` preset; checked at the end. */
  size?: number;
  /** Also the Glacier tree hash and the linear SHA-256 of the whole (default true). */
  treeHash?: boolean;
  /** Also the whole object's MD5: the ETag of a single-part upload (default false; free for one part). */
  md5?: boolean;
  /** Also the full-object CRC-32 (default false). CRC-64/NVME is always computed. */
  crc32?: boolean;
  /** Also the full-object CRC-32C (default false). */
  crc32c?: boolean;
}

/** One part's values (binary digests; `crc64nvme` etc. as numbers, see CrcValue). */
export interface S3PartChecksums extends S3PartRange {
  /** SHA-256 of the part; base64 of it is the part's `ChecksumSHA256`. */
  readonly sha256: Uint8Array;
  /** MD5 of the part; hex of it is the part's ETag. */
  readonly md5: Uint8Array;
  readonly crc64nvme: bigint;
  readonly crc32?: number;
  readonly crc32c?: number;
}

/** Everything S3 reports for the object, in S3's text forms, and the Glacier values. */
export interface S3Checksums {
  /** Bytes hashed. */
  readonly size: number;
  readonly partSize: number;
  readonly partCount: number;
  readonly parts: readonly S3PartChecksums[];
  /** `ChecksumSHA256` of a multipart upload with SHA-256 checksums (ChecksumType COMPOSITE): `base64-N`. */
  readonly sha256Composite: string;
  /** The ETag of a multipart upload (without S3's quotes): `hex-N`. */
  readonly etag: string;
  /** `ChecksumCRC64NVME` (FULL_OBJECT): base64 of the 8 big-endian bytes. */
  readonly crc64nvme: string;
  readonly crc32?: string;
  readonly crc32c?: string;
  /** The Glacier tree hash (unless `treeHash: false`). */
  readonly treeHash?: Uint8Array;
  /** SHA-256 of the whole object (unless `treeHash: false`); base64 of it is a single-part `ChecksumSHA256`. */
  readonly sha256?: Uint8Array;
  /** MD5 of the whole object, the ETag of a single-part upload (with `md5: true`, or when there is one part). */
  readonly md5?: Uint8Array;
}

/**
 * S3's composite SHA-256 from the parts' SHA-256 digests in part-number order:
 * `base64(SHA-256(d1 || ... || dN))-N` (one part gives `-1`).
 * @throws {TreeHashError} `ERR_INVALID_DIGEST` for a digest that is not 32 bytes; `ERR_INVALID_INPUT` for no parts or over 10,000.
 * @example compositeSha256([part1Sha256, part2Sha256]) // 'Xh3…=-2'
 */
export function compositeSha256(partDigests: readonly Uint8Array[], options?: EngineOptions): string {
  checkPartList(partDigests, DIGEST_LENGTH, 'SHA-256');
  return `${toBase64(sha256(concatBytes(partDigests), options))}-${partDigests.length}`;
}

/**
 * The ETag of a multipart upload from the parts' MD5 digests in part-number order:
 * `hex(MD5(m1 || ... || mN))-N` (without the quotes S3 puts around it).
 * @throws {TreeHashError} as {@link compositeSha256} (16-byte digests).
 */
export function multipartEtag(partMd5s: readonly Uint8Array[], options?: EngineOptions): string {
  checkPartList(partMd5s, 16, 'MD5');
  const md5 = md5Factory(options?.engine)();
  md5.update(concatBytes(partMd5s));
  return `${toHex(md5.digest())}-${partMd5s.length}`;
}

function checkPartList(digests: readonly Uint8Array[], length: number, name: string): void {
  if (!Array.isArray(digests) || digests.length === 0 || digests.length > S3_MAX_PARTS) {
    throw new TreeHashError('ERR_INVALID_INPUT', `expected an array of 1 to ${S3_MAX_PARTS} part digests, got ${describeValue(digests)}`);
  }
  digests.forEach((digest, i) => {
    if (!(digest instanceof Uint8Array) || digest.length !== length) {
      throw new TreeHashError('ERR_INVALID_DIGEST', `part ${i + 1}'s ${name} must be ${length} bytes, got ${describeValue(digest)}`);
    }
  });
}

/**
 * The whole object's CRC from its parts' CRCs and sizes (joined with combineCrc): the
 * FULL_OBJECT checksum S3 reports for CRC-64/NVME, and for CRC-32/CRC-32C when asked for.
 */
export function fullObjectCrc<A extends CrcAlgorithm>(
  algorithm: A,
  parts: readonly { crc: A extends 'crc64nvme' ? bigint : number; size: number }[],
): A extends 'crc64nvme' ? bigint : number {
  return joinCrcs(algorithm, parts as never) as A extends 'crc64nvme' ? bigint : number;
}

/**
 * S3's COMPOSITE CRC-32 / CRC-32C of a multipart upload: the CRC of the parts' big-endian CRCs
 * one after another, base64, then `-N`.
 */
export function compositeCrc(algorithm: 'crc32' | 'crc32c', partCrcs: readonly number[]): string {
  const bytes = new Uint8Array(4 * partCrcs.length);
  const view = new DataView(bytes.buffer);
  partCrcs.forEach((crc, i) => view.setUint32(4 * i, crc));
  const kernel = acquireCrcKernel();
  try {
    kernel.memory.set(bytes, kernel.inputPtr);
    return `${formatS3Crc(algorithm, crcInWindow(kernel, algorithm, 0, 0, bytes.length))}-${partCrcs.length}`;
  } finally {
    releaseCrcKernel(kernel);
  }
}

/**
 * @internal The object's values from its parts' (in order), for `options`' CRCs; `glacier` the
 * tree hash and linear SHA-256 when computed, `md5` the whole object's MD5 when computed (for one
 * part it is the part's).
 */
export function assembleS3Checksums(
  parts: readonly S3PartChecksums[],
  partSize: number,
  options: Pick<S3HashOptions, 'engine' | 'crc32' | 'crc32c'>,
  glacier: Pick<Checksums, 'treeHash' | 'sha256'> | undefined,
  md5: Uint8Array | undefined,
): S3Checksums {
  const engine = options.engine === undefined ? {} : { engine: options.engine };
  const crcText = (algorithm: CrcAlgorithm) =>
    formatS3Crc(
      algorithm,
      fullObjectCrc(
        algorithm,
        parts.map((part) => ({ crc: part[algorithm] as never, size: part.size })),
      ),
    );
  const wholeMd5 = md5 ?? (parts.length === 1 ? parts[0]!.md5 : undefined);
  return {
    size: parts.reduce((n, part) => n + part.size, 0),
    partSize,
    partCount: parts.length,
    parts,
    sha256Composite: compositeSha256(
      parts.map((part) => part.sha256),
      engine,
    ),
    etag: multipartEtag(
      parts.map((part) => part.md5),
      engine,
    ),
    crc64nvme: crcText('crc64nvme'),
    ...(options.crc32 ? { crc32: crcText('crc32') } : {}),
    ...(options.crc32c ? { crc32c: crcText('crc32c') } : {}),
    ...(glacier ? { treeHash: glacier.treeHash, sha256: glacier.sha256 } : {}),
    ...(wholeMd5 ? { md5: wholeMd5 } : {}),
  };
}

/** @internal node:crypto's hashes, handed in by the Node adapters (nothing is registered on import). */
export interface S3Natives {
  readonly sha256?: LinearHashFactory;
  readonly md5?: Md5Factory;
}

const ZERO: Record<CrcAlgorithm, bigint | number> = { crc64nvme: 0n, crc32: 0, crc32c: 0 };

/**
 * Incremental S3 checksums: `update()` pieces of any size, then `digest()` once (after which
 * every call throws `ERR_HASH_FINALIZED`). See {@link S3HashOptions} for what is computed. Made by
 * {@link createS3Hasher}.
 * @example
 * const hasher = createS3Hasher({ partSize: 'aws-cli' });
 * hasher.update(chunk1).update(chunk2);
 * const { sha256Composite, etag, crc64nvme } = hasher.digest();
 */
export interface S3Hasher {
  /** The part size in bytes (a preset resolved). */
  readonly partSize: number;
  /** Bytes hashed so far. */
  readonly size: number;
  /** Adds bytes (strings as UTF-8). */
  update(data: BytesLike): this;
  /**
   * Every value in S3's text forms, each part's, and (unless `treeHash: false`) the Glacier tree
   * hash and linear SHA-256. An empty object is one empty part.
   * @throws {TreeHashError} `ERR_TOO_MANY_PARTS`, `ERR_SIZE_MISMATCH` (not the `size` given), `ERR_HASH_FINALIZED`.
   */
  digest(): S3Checksums;
}

/** @internal The {@link S3Hasher} on a kernel instance (its input window holds each piece once). */
export class KernelS3Hasher implements S3Hasher {
  readonly partSize: number;
  #kernel: CrcKernel | undefined; // the input window: every piece is copied here once
  readonly #shaKernel: Kernel | undefined; // the parts' SHA-256 when there is no node:crypto
  readonly #expectedSize: number | undefined;
  readonly #crcs: CrcAlgorithm[];
  readonly #newSha: (() => LinearHash) | undefined; // node:crypto per part; undefined: the kernel's linear mode
  readonly #newMd5: () => Md5Hash;
  readonly #options: S3HashOptions;
  #partSha: LinearHash | undefined;
  #partMd5: Md5Hash;
  #partCrc: Record<string, bigint | number> = {};
  readonly #wholeMd5: Md5Hash | undefined;
  readonly #tree: KernelTreeHasher | undefined;
  readonly #linear: LinearHash | undefined;
  #pending = 0; // bytes in the window, not yet cut into parts
  #position = 0; // bytes cut into parts so far
  #partStart = 0;
  readonly #parts: S3PartChecksums[] = [];

  /**
   * Use {@link createS3Hasher}. `tree: false` leaves the tree to the caller (one-shot and Node
   * paths); `natives`: node:crypto's SHA-256 and MD5, handed in by the Node adapters.
   */
  constructor(options: S3HashOptions, tree = true, natives: S3Natives = {}) {
    if (options === null || typeof options !== 'object') {
      throw new TreeHashError('ERR_INVALID_OPTION', `options must be an object with a partSize, got ${describeValue(options)}`);
    }
    const engine = checkEngine(options.engine);
    if (options.size !== undefined && (!Number.isSafeInteger(options.size) || options.size < 0)) {
      throw new TreeHashError('ERR_INVALID_SIZE', `size must be a non-negative safe integer, got ${describeValue(options.size)}`);
    }
    this.partSize = resolveS3PartSize(options.partSize, options.size);
    if (options.size !== undefined) s3PartCount(options.size, this.partSize);
    this.#options = options;
    this.#expectedSize = options.size;
    this.#crcs = ['crc64nvme', ...(options.crc32 ? (['crc32'] as const) : []), ...(options.crc32c ? (['crc32c'] as const) : [])];
    // Nothing saves this hasher: 'auto' may put every SHA-256 in node:crypto.
    const { native, build } = resolveEngine(engine, 'unsaved', natives.sha256);
    this.#newSha = native;
    this.#newMd5 = md5Factory(engine, natives.md5);
    this.#kernel = acquireCrcKernel();
    this.#shaKernel = native === undefined ? acquireKernel(build) : undefined;
    this.#shaKernel?.exports.init(FLAG_LINEAR | FLAG_NO_TREE);
    this.#partSha = this.#newSha?.();
    this.#partMd5 = this.#newMd5();
    for (const algorithm of this.#crcs) this.#partCrc[algorithm] = ZERO[algorithm];
    this.#wholeMd5 = options.md5 ? this.#newMd5() : undefined;
    const wantTree = tree && options.treeHash !== false;
    // With node:crypto the linear SHA-256 is its own pass (faster than the kernel's); else the tree hasher's.
    this.#linear = wantTree && native !== undefined ? native() : undefined;
    this.#tree = wantTree ? new KernelTreeHasher({ engine, linear: native === undefined }) : undefined;
  }

  /** Bytes hashed so far. */
  get size(): number {
    return this.#position + this.#pending;
  }

  #live(method: string): CrcKernel {
    if (this.#kernel === undefined) throw new TreeHashError('ERR_HASH_FINALIZED', `${method}() was called after digest(); create a new hasher`);
    return this.#kernel;
  }

  /** Adds bytes (strings as UTF-8). */
  update(data: BytesLike): this {
    const kernel = this.#live('update');
    const bytes = toBytes(data);
    this.#tree?.update(bytes);
    this.#linear?.update(bytes);
    this.#wholeMd5?.update(bytes);
    for (let offset = 0; offset < bytes.length;) {
      const n = Math.min(kernel.inputCapacity - this.#pending, bytes.length - offset);
      kernel.memory.set(bytes.subarray(offset, offset + n), kernel.inputPtr + this.#pending);
      this.#pending += n;
      offset += n;
      if (this.#pending === kernel.inputCapacity) this.#cut(kernel);
    }
    return this;
  }

  /** Cuts the window into parts: every per-part hash reads its piece of the window. */
  #cut(kernel: CrcKernel): void {
    const window = kernel.memory.subarray(kernel.inputPtr, kernel.inputPtr + this.#pending);
    for (let offset = 0; offset < this.#pending;) {
      const n = Math.min(this.#pending - offset, this.#partStart + this.partSize - this.#position);
      const piece = window.subarray(offset, offset + n);
      this.#partMd5.update(piece);
      if (this.#partSha) this.#partSha.update(piece);
      else {
        const sha = this.#shaKernel!;
        sha.memory.set(piece, sha.inputPtr);
        sha.exports.absorb(0, n);
      }
      for (const algorithm of this.#crcs) this.#partCrc[algorithm] = crcInWindow(kernel, algorithm, this.#partCrc[algorithm]!, offset, n);
      offset += n;
      this.#position += n;
      if (this.#position === this.#partStart + this.partSize) this.#endPart();
    }
    this.#pending = 0;
  }

  #endPart(): void {
    if (this.#parts.length === S3_MAX_PARTS) {
      throw new TreeHashError(
        'ERR_TOO_MANY_PARTS',
        `more than ${S3_MAX_PARTS} parts of ${this.partSize} bytes: S3 allows at most ${S3_MAX_PARTS} parts; use a larger part size`,
      );
    }
    let sha: Uint8Array;
    if (this.#partSha) sha = new Uint8Array(this.#partSha.digest());
    else {
      const kernel = this.#shaKernel!;
      kernel.exports.finish();
      sha = kernel.memory.slice(kernel.outputPtr + DIGEST_LENGTH, kernel.outputPtr + 2 * DIGEST_LENGTH);
      kernel.exports.init(FLAG_LINEAR | FLAG_NO_TREE);
    }
    const size = this.#position - this.#partStart;
    const crcs = Object.fromEntries(this.#crcs.map((algorithm) => [algorithm, this.#partCrc[algorithm]]));
    this.#parts.push({
      partNumber: this.#parts.length + 1,
      start: this.#partStart,
      end: this.#partStart + size - 1,
      size,
      sha256: sha,
      md5: this.#partMd5.digest(),
      ...crcs,
    } as S3PartChecksums);
    this.#partStart = this.#position;
    this.#partSha = this.#newSha?.();
    this.#partMd5 = this.#newMd5();
    for (const algorithm of this.#crcs) this.#partCrc[algorithm] = ZERO[algorithm];
  }

  /**
   * Finishes: every value in S3's text forms, each part's, and (unless `treeHash: false`) the
   * Glacier tree hash and linear SHA-256. An empty object is one empty part.
   * @throws {TreeHashError} `ERR_TOO_MANY_PARTS`, `ERR_SIZE_MISMATCH` (not the `size` given), `ERR_HASH_FINALIZED`.
   */
  digest(): S3Checksums {
    return this.digestWith(undefined);
  }

  /** The values, given the tree hash and linear SHA-256 from elsewhere. */
  #result(glacier?: Checksums): S3Checksums {
    if (this.#expectedSize !== undefined && this.#position !== this.#expectedSize) {
      throw new TreeHashError('ERR_SIZE_MISMATCH', `the object was said to be ${this.#expectedSize} bytes, but ${this.#position} bytes were hashed`);
    }
    let values = glacier;
    if (this.#tree) {
      values = this.#linear
        ? { size: this.#position, treeHash: this.#tree.digest(), sha256: new Uint8Array(this.#linear.digest()) }
        : this.#tree.digestChecksums();
    }
    return assembleS3Checksums(this.#parts, this.partSize, this.#options, values, this.#wholeMd5?.digest());
  }

  /** @internal digest() with the Glacier values computed elsewhere (one-shot, Node files). */
  digestWith(glacier: Checksums | undefined): S3Checksums {
    const kernel = this.#live('digest');
    this.#cut(kernel);
    if (this.#position > this.#partStart || this.#parts.length === 0) this.#endPart();
    this.#kernel = undefined;
    releaseCrcKernel(kernel);
    if (this.#shaKernel) releaseKernel(this.#shaKernel);
    return this.#result(glacier);
  }
}

/**
 * A new incremental S3 hasher.
 * @throws {TreeHashError} `ERR_INVALID_PART_SIZE`, `ERR_INVALID_OPTION`, `ERR_INVALID_SIZE`, `ERR_TOO_MANY_PARTS` (with `size`).
 */
export function createS3Hasher(options: S3HashOptions): S3Hasher {
  return new KernelS3Hasher(options);
}

/**
 * Every S3 value of `data` (see {@link S3Checksums}) in one call.
 * @throws {TreeHashError} as {@link createS3Hasher}; `ERR_INVALID_INPUT` for data that is not bytes.
 * @example const { sha256Composite, etag, crc64nvme } = hashForS3(bytes, { partSize: 8 * 1024 * 1024 });
 */
export function hashForS3(data: BytesLike, options: S3HashOptions): S3Checksums {
  return hashForS3With(data, options, {});
}

/** @internal {@link hashForS3} with node:crypto's hashes handed in (the Node adapters). */
export function hashForS3With(data: BytesLike, options: S3HashOptions, natives: S3Natives): S3Checksums {
  if (options === null || typeof options !== 'object') {
    throw new TreeHashError('ERR_INVALID_OPTION', `options must be an object with a partSize, got ${describeValue(options)}`);
  }
  const bytes = toBytes(data);
  const hasher = new KernelS3Hasher({ ...options, size: options?.size ?? bytes.length }, false, natives);
  hasher.update(bytes);
  const glacier = options.treeHash === false ? undefined : computeChecksums(bytes, options.engine === undefined ? {} : { engine: options.engine });
  return hasher.digestWith(glacier);
}
