import { TreeHashError, describeValue } from './errors.js';

/** What the hashing functions take: bytes in any typed-array or buffer form, or a string (hashed as UTF-8). */
export type BytesLike = Uint8Array | ArrayBufferView | ArrayBuffer | string;

const utf8 = new TextEncoder();

/** Whether `value` is bytes as {@link toBytes} takes them (rather than a stream or iterable of chunks). */
export function isBytesLike(value: unknown): value is BytesLike {
  return typeof value === 'string' || ArrayBuffer.isView(value) || value instanceof ArrayBuffer;
}

/**
 * Whether `buffer` was detached (transferred to a worker or with structuredClone): its views then
 * read as 0 bytes, which must not hash as the empty input. Only an empty buffer can be detached.
 */
function isDetached(buffer: ArrayBufferLike): boolean {
  if (buffer.byteLength !== 0 || !(buffer instanceof ArrayBuffer)) return false;
  try {
    new Uint8Array(buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/**
 * A Uint8Array view of `data` (no copy, except a string, which is encoded as UTF-8).
 * @throws {TreeHashError} `ERR_INVALID_INPUT` for anything else, and for bytes whose buffer was detached.
 */
export function toBytes(data: BytesLike, what = 'data'): Uint8Array {
  if (typeof data === 'string') return utf8.encode(data);
  const buffer = data instanceof ArrayBuffer ? data : ArrayBuffer.isView(data) ? data.buffer : undefined;
  if (buffer !== undefined && isDetached(buffer)) {
    throw new TreeHashError(
      'ERR_INVALID_INPUT',
      `${what} is ${describeValue(data)} whose buffer was detached (transferred elsewhere)`,
    );
  }
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new TreeHashError(
    'ERR_INVALID_INPUT',
    `${what} must be a Uint8Array, another ArrayBufferView, an ArrayBuffer or a string, got ${describeValue(data)}`,
  );
}
