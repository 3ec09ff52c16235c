import { TreeHashError, describeValue } from './errors.js';

const HEX_DIGITS = '0123456789abcdef';
// Two characters per byte value, built once: hex encoding is on the path of every digest('hex').
const BYTE_TO_HEX: string[] = Array.from({ length: 256 }, (_, b) => HEX_DIGITS[b >> 4]! + HEX_DIGITS[b & 15]!);

/**
 * Lowercase hex of bytes, as Glacier's headers and the AWS CLI print digests.
 * @example toHex(new Uint8Array([0xde, 0xad])) // 'dead'
 */
export function toHex(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) {
    throw new TreeHashError('ERR_INVALID_INPUT', `toHex expects a Uint8Array, got ${describeValue(bytes)}`);
  }
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += BYTE_TO_HEX[bytes[i]!];
  return out;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
}

/**
 * Decodes hex (either case) to bytes. With `expectedLength`, the decoded length must match.
 * @throws {TreeHashError} `ERR_INVALID_HEX` for an odd length, a non-hex character or a wrong length;
 *   `ERR_INVALID_OPTION` for an `expectedLength` that is not a whole number ≥ 0.
 * @example fromHex('DEad') // Uint8Array [0xde, 0xad]
 */
export function fromHex(hex: string, expectedLength?: number): Uint8Array {
  if (typeof hex !== 'string') {
    throw new TreeHashError('ERR_INVALID_HEX', `fromHex expects a hex string, got ${describeValue(hex)}`);
  }
  if (expectedLength !== undefined && (!Number.isSafeInteger(expectedLength) || expectedLength < 0)) {
    throw new TreeHashError('ERR_INVALID_OPTION', `expectedLength must be an integer ≥ 0, got ${describeValue(expectedLength)}`);
  }
  if (hex.length % 2 !== 0) {
    throw new TreeHashError('ERR_INVALID_HEX', `hex must have an even number of digits, got ${describeValue(hex)}`);
  }
  if (expectedLength !== undefined && hex.length !== expectedLength * 2) {
    throw new TreeHashError('ERR_INVALID_HEX', `expected ${expectedLength * 2} hex digits (${expectedLength} bytes), got ${describeValue(hex)}`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexValue(hex.charCodeAt(2 * i));
    const lo = hexValue(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) {
      throw new TreeHashError(
        'ERR_INVALID_HEX',
        `invalid hex digit at position ${hi < 0 ? 2 * i : 2 * i + 1} in ${describeValue(hex)}; allowed: 0-9, a-f, A-F`,
      );
    }
    out[i] = (hi << 4) | lo;
  }
  return out;
}
