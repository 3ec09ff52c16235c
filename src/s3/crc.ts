// The whole-object CRCs S3 offers (CRC-64/NVME, its default since 2025; CRC-32; CRC-32C), computed
// by the Wasm kernel (assembly/crc.ts) over its input window, and S3's text form of each: base64
// of the CRC's big-endian bytes. Values are kept in zlib's "finished" form: the CRC of no bytes is
// 0 and crc(B, crc(A)) = crc(A || B), so a value can be continued, and joined (combineCrc).
import { type BytesLike, toBytes } from '../core/bytes.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { toHex } from '../core/hex.js';
import { type CrcKernel, acquireCrcKernel, releaseCrcKernel } from './crc-kernel.js';

export { acquireCrcKernel, releaseCrcKernel, type CrcKernel };
import { fromBase64, toBase64 } from './base64.js';

/** The CRCs S3 computes: `ChecksumCRC64NVME`, `ChecksumCRC32`, `ChecksumCRC32C`. */
export type CrcAlgorithm = 'crc64nvme' | 'crc32' | 'crc32c';

/** Every CRC algorithm name. */
export const CRC_ALGORITHMS: readonly CrcAlgorithm[] = Object.freeze(['crc64nvme', 'crc32', 'crc32c']);

/** A CRC value: a bigint for CRC-64/NVME, an unsigned 32-bit number for CRC-32 and CRC-32C. */
export type CrcValue<A extends CrcAlgorithm = CrcAlgorithm> = A extends 'crc64nvme' ? bigint : number;

/** @internal Validates an algorithm name. @throws {TreeHashError} `ERR_INVALID_OPTION`. */
export function checkCrcAlgorithm(value: unknown): CrcAlgorithm {
  if (typeof value !== 'string' || !(CRC_ALGORITHMS as readonly string[]).includes(value)) {
    throw new TreeHashError(
      'ERR_INVALID_OPTION',
      `the CRC algorithm must be one of ${CRC_ALGORITHMS.map((a) => `'${a}'`).join(', ')}, got ${describeValue(value)}`,
    );
  }
  return value as CrcAlgorithm;
}

/** Bytes of a CRC: 8 for CRC-64/NVME, 4 for the others. */
export function crcLength(algorithm: CrcAlgorithm): 4 | 8 {
  return algorithm === 'crc64nvme' ? 8 : 4;
}

function checkValue<A extends CrcAlgorithm>(algorithm: A, value: unknown, what: string): CrcValue<A> {
  if (algorithm === 'crc64nvme') {
    if (typeof value !== 'bigint' || value < 0n || value > 0xffffffffffffffffn) {
      throw new TreeHashError('ERR_INVALID_INPUT', `${what} must be a CRC-64 value (a bigint from 0n to 2^64 - 1), got ${describeValue(value)}`);
    }
  } else if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new TreeHashError(
      'ERR_INVALID_INPUT',
      `${what} must be a ${algorithm.toUpperCase()} value (an integer from 0 to 2^32 - 1), got ${describeValue(value)}`,
    );
  }
  return value as CrcValue<A>;
}

function checkLength(value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new TreeHashError('ERR_INVALID_INPUT', `the length of the second part must be a non-negative integer, got ${describeValue(value)}`);
  }
  return value as number;
}

// Where each CRC's running value sits in the CRC module (assembly/crc-index.ts): +0 CRC-64, +8 CRC-32, +12 CRC-32C.
const STATE_OFFSET: Record<CrcAlgorithm, number> = { crc64nvme: 0, crc32: 8, crc32c: 12 };

/**
 * @internal Continues `value` over the CRC module's input[offset, offset + length) — bytes already
 * in its window, so a hasher that copies its input there once runs every CRC on it.
 */
export function crcInWindow<A extends CrcAlgorithm>(kernel: CrcKernel, algorithm: A, value: CrcValue<A>, offset: number, length: number): CrcValue<A> {
  const at = kernel.statePtr + STATE_OFFSET[algorithm];
  if (algorithm === 'crc64nvme') {
    kernel.view.setBigUint64(at, value as bigint, true);
    kernel.exports.crc64nvme(offset, length);
    return kernel.view.getBigUint64(at, true) as CrcValue<A>;
  }
  kernel.view.setUint32(at, value as number, true);
  if (algorithm === 'crc32') kernel.exports.crc32(offset, length);
  else kernel.exports.crc32c(offset, length);
  return kernel.view.getUint32(at, true) as CrcValue<A>;
}

const KIND: Record<CrcAlgorithm, number> = { crc64nvme: 0, crc32: 1, crc32c: 2 };

/**
 * @internal The CRC of the pieces one after another, from each piece's CRC and length, joined in
 * the CRC module (zlib's crc32_combine method, in GF(2): assembly/crc.ts).
 */
export function joinCrcs<A extends CrcAlgorithm>(algorithm: A, pieces: readonly { readonly crc: CrcValue<A>; readonly size: number }[]): CrcValue<A> {
  const kernel = acquireCrcKernel();
  try {
    const at = kernel.statePtr + STATE_OFFSET[algorithm];
    const wide = algorithm === 'crc64nvme';
    if (wide) kernel.view.setBigUint64(at, 0n, true);
    else kernel.view.setUint32(at, 0, true);
    for (const { crc, size } of pieces) {
      if (wide) kernel.view.setBigUint64(at + 16, crc as bigint, true);
      else kernel.view.setUint32(at + 16, crc as number, true);
      kernel.exports.crcCombine(KIND[algorithm], size);
    }
    return (wide ? kernel.view.getBigUint64(at, true) : kernel.view.getUint32(at, true)) as CrcValue<A>;
  } finally {
    releaseCrcKernel(kernel);
  }
}

function crcOf<A extends CrcAlgorithm>(algorithm: A, data: BytesLike, previous: unknown): CrcValue<A> {
  let value = checkValue(algorithm, previous, 'the previous CRC');
  const bytes = toBytes(data);
  if (bytes.length === 0) return value;
  const kernel = acquireCrcKernel();
  try {
    for (let offset = 0; offset < bytes.length; offset += kernel.inputCapacity) {
      const piece = bytes.subarray(offset, Math.min(offset + kernel.inputCapacity, bytes.length));
      kernel.memory.set(piece, kernel.inputPtr);
      value = crcInWindow(kernel, algorithm, value, 0, piece.length);
    }
  } finally {
    releaseCrcKernel(kernel);
  }
  return value;
}

/**
 * CRC-64/NVME (S3's `ChecksumCRC64NVME`) of `data`, continuing from `previous` (the CRC of the
 * bytes before; default 0n, no bytes). Strings are hashed as UTF-8.
 * @throws {TreeHashError} `ERR_INVALID_INPUT` for data that is not bytes or a bad `previous`.
 * @example crc64nvme('123456789') // 0xae8b14860a799888n
 */
export function crc64nvme(data: BytesLike, previous: bigint = 0n): bigint {
  return crcOf('crc64nvme', data, previous);
}

/**
 * CRC-32 (zlib's `crc32`, S3's `ChecksumCRC32`) of `data`, continuing from `previous` (default 0).
 * @throws {TreeHashError} as {@link crc64nvme}.
 * @example crc32('123456789') // 0xcbf43926
 */
export function crc32(data: BytesLike, previous = 0): number {
  return crcOf('crc32', data, previous);
}

/**
 * CRC-32C (Castagnoli; S3's `ChecksumCRC32C`) of `data`, continuing from `previous` (default 0).
 * @throws {TreeHashError} as {@link crc64nvme}.
 * @example crc32c('123456789') // 0xe3069283
 */
export function crc32c(data: BytesLike, previous = 0): number {
  return crcOf('crc32c', data, previous);
}

/**
 * The CRC of A || B from crc(A), crc(B) and B's length in bytes: parts hashed apart join exactly.
 * @throws {TreeHashError} `ERR_INVALID_INPUT` for a value out of range or a bad length;
 * `ERR_INVALID_OPTION` for an unknown algorithm.
 * @example combineCrc('crc64nvme', crc64nvme(a), crc64nvme(b), b.length) === crc64nvme(concat(a, b))
 */
export function combineCrc<A extends CrcAlgorithm>(algorithm: A, crcA: CrcValue<A>, crcB: CrcValue<A>, lengthB: number): CrcValue<A> {
  checkCrcAlgorithm(algorithm);
  const a = checkValue(algorithm, crcA, 'crcA');
  const b = checkValue(algorithm, crcB, 'crcB');
  const length = checkLength(lengthB);
  // crc(A) continued by nothing is crc(A); then B joined after it.
  return joinCrcs(algorithm, [
    { crc: a, size: 0 },
    { crc: b, size: length },
  ]);
}

/** {@link combineCrc} for CRC-64/NVME. */
export function combineCrc64nvme(crcA: bigint, crcB: bigint, lengthB: number): bigint {
  return combineCrc('crc64nvme', crcA, crcB, lengthB);
}

/** {@link combineCrc} for CRC-32. */
export function combineCrc32(crcA: number, crcB: number, lengthB: number): number {
  return combineCrc('crc32', crcA, crcB, lengthB);
}

/** {@link combineCrc} for CRC-32C. */
export function combineCrc32c(crcA: number, crcB: number, lengthB: number): number {
  return combineCrc('crc32c', crcA, crcB, lengthB);
}

/** The CRC's big-endian bytes (8 for CRC-64/NVME, 4 for the others): what S3 base64-encodes. */
export function crcToBytes<A extends CrcAlgorithm>(algorithm: A, value: CrcValue<A>): Uint8Array {
  checkCrcAlgorithm(algorithm);
  const checked = checkValue(algorithm, value, 'the CRC');
  const bytes = new Uint8Array(crcLength(algorithm));
  const view = new DataView(bytes.buffer);
  if (algorithm === 'crc64nvme') view.setBigUint64(0, checked as bigint);
  else view.setUint32(0, checked as number);
  return bytes;
}

/** The CRC from its big-endian bytes. */
export function crcFromBytes<A extends CrcAlgorithm>(algorithm: A, bytes: Uint8Array): CrcValue<A> {
  checkCrcAlgorithm(algorithm);
  if (!(bytes instanceof Uint8Array) || bytes.length !== crcLength(algorithm)) {
    throw new TreeHashError('ERR_INVALID_DIGEST', `a ${algorithm} value is ${crcLength(algorithm)} bytes, got ${describeValue(bytes)}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return (algorithm === 'crc64nvme' ? view.getBigUint64(0) : view.getUint32(0)) as CrcValue<A>;
}

/**
 * S3's text form of a CRC (`ChecksumCRC64NVME` etc.): base64 of its big-endian bytes.
 * @example formatS3Crc('crc32', 0xcbf43926) // 'y/Q5Jg=='
 */
export function formatS3Crc<A extends CrcAlgorithm>(algorithm: A, value: CrcValue<A>): string {
  return toBase64(crcToBytes(algorithm, value));
}

/**
 * The CRC in S3's text form (base64 of big-endian bytes), or undefined when `text` is not one.
 * @example parseS3Crc('crc32', 'y/Q5Jg==') // 0xcbf43926
 */
export function parseS3Crc<A extends CrcAlgorithm>(algorithm: A, text: string): CrcValue<A> | undefined {
  checkCrcAlgorithm(algorithm);
  const bytes = typeof text === 'string' ? fromBase64(text) : undefined;
  return bytes?.length === crcLength(algorithm) ? crcFromBytes(algorithm, bytes) : undefined;
}

/**
 * Incremental CRC, shaped like Node's `Hash`: `update()` pieces of any size, then `digest()` once
 * (big-endian bytes; `'base64'` is S3's text form, `'hex'` lowercase hex). `value` reads the CRC so
 * far at any time. After `digest()`, `update()` throws `ERR_HASH_FINALIZED`. Made by {@link createCrcHasher}.
 * @example createCrcHasher('crc64nvme').update(a).update(b).digest('base64')
 */
export interface CrcHasher<A extends CrcAlgorithm = CrcAlgorithm> {
  readonly algorithm: A;
  /** Bytes hashed so far. */
  readonly size: number;
  /** The CRC of the bytes so far (finished form). */
  readonly value: CrcValue<A>;
  /** Adds bytes (strings as UTF-8). */
  update(data: BytesLike): this;
  /** The CRC's big-endian bytes, or their base64 (S3's form) or hex. */
  digest(): Uint8Array;
  digest(encoding: 'base64' | 'hex'): string;
}

/** The {@link CrcHasher} on the kernel. */
class KernelCrcHasher<A extends CrcAlgorithm> implements CrcHasher<A> {
  readonly algorithm: A;
  #value: CrcValue<A>;
  #size = 0;
  #done = false;

  constructor(algorithm: A) {
    this.algorithm = checkCrcAlgorithm(algorithm) as A;
    this.#value = (algorithm === 'crc64nvme' ? 0n : 0) as CrcValue<A>;
  }

  /** Bytes hashed so far. */
  get size(): number {
    return this.#size;
  }

  /** The CRC of the bytes so far (finished form). */
  get value(): CrcValue<A> {
    return this.#value;
  }

  /** Adds bytes (strings as UTF-8). */
  update(data: BytesLike): this {
    if (this.#done) throw new TreeHashError('ERR_HASH_FINALIZED', 'update() was called after digest(); create a new hasher');
    const bytes = toBytes(data);
    this.#value = crcOf(this.algorithm, bytes, this.#value);
    this.#size += bytes.length;
    return this;
  }

  /** The CRC's big-endian bytes, or their base64 (S3's form) or hex. */
  digest(): Uint8Array;
  digest(encoding: 'base64' | 'hex'): string;
  digest(encoding?: 'base64' | 'hex'): Uint8Array | string {
    this.#done = true;
    const bytes = crcToBytes(this.algorithm, this.#value);
    if (encoding === undefined) return bytes;
    if (encoding === 'base64') return toBase64(bytes);
    if (encoding === 'hex') return toHex(bytes);
    throw new TreeHashError('ERR_INVALID_OPTION', `digest() encoding must be 'base64' or 'hex', got ${describeValue(encoding)}`);
  }
}

/**
 * A new incremental CRC.
 * @throws {TreeHashError} `ERR_INVALID_OPTION` for an unknown algorithm.
 */
export function createCrcHasher<A extends CrcAlgorithm>(algorithm: A): CrcHasher<A> {
  return new KernelCrcHasher(algorithm);
}
