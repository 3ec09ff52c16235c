import { TreeHashError, describeValue } from './errors.js';

/** What the hashing functions take: bytes in any typed-array or buffer form, or a string (hashed as UTF-8). */
export type BytesLike = Uint8Array | ArrayBufferView | ArrayBuffer | string;

const utf8 = new TextEncoder();

/** Whether `value` is bytes as {@link toBytes} takes them (rather than a stream or iterable of chunks). */
export function isBytesLike(value: unknown): value is BytesLike {
  return typeof value === 'string' || ArrayBuffer.isView(value) || value instanceof ArrayBuffer;
}

/**
 * A Uint8Array view of `data` (no copy, except a string, which is encoded as UTF-8).
 * @throws {TreeHashError} `ERR_INVALID_INPUT` for anything else, and for bytes whose buffer was
 *   detached (transferred elsewhere: its views read as 0 bytes, which must not hash as empty input).
 */
export function toBytes(data: BytesLike, what = 'data'): Uint8Array {
  if (typeof data === 'string') return utf8.encode(data);
  const buffer = data instanceof ArrayBuffer ? data : ArrayBuffer.isView(data) ? data.buffer : undefined;
  if (buffer === undefined) {
    throw new TreeHashError(
      'ERR_INVALID_INPUT',
      `${what} must be a Uint8Array, another ArrayBufferView, an ArrayBuffer or a string, got ${describeValue(data)}`,
    );
  }
  // Only an empty buffer can be detached, and no view over a detached one can be made.
  if (buffer.byteLength === 0 && buffer instanceof ArrayBuffer) {
    try {
      new Uint8Array(buffer);
    } catch {
      throw new TreeHashError('ERR_INVALID_INPUT', `${what} is ${describeValue(data)} whose buffer was detached`);
    }
  }
  return data instanceof Uint8Array ? data : ArrayBuffer.isView(data) ? new Uint8Array(buffer, data.byteOffset, data.byteLength) : new Uint8Array(buffer);
}

/** The bytes of `pieces` one after another, in a new array (the one piece itself when there is only one). */
export function concatBytes(pieces: readonly Uint8Array[]): Uint8Array {
  if (pieces.length === 1) return pieces[0]!;
  const out = new Uint8Array(pieces.reduce((n, piece) => n + piece.length, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}
