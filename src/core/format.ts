// Byte counts: written in messages one way everywhere, and read from text written for humans.
import { MiB } from './constants.js';
import { TreeHashError, describeValue } from './errors.js';

const UNITS = [
  ['TiB', 1024 * 1024 * MiB],
  ['GiB', 1024 * MiB],
  ['MiB', MiB],
  ['KiB', 1024],
] as const;

/**
 * A byte count for a message: "8 MiB (8388608 bytes)" when a binary unit divides it exactly, else
 * "3250000 bytes". Never throws.
 * @example formatBytes(8388608) // '8 MiB (8388608 bytes)'
 */
export function formatBytes(bytes: number): string {
  for (const [unit, scale] of UNITS) {
    if (bytes >= scale && bytes % scale === 0) return `${bytes / scale} ${unit} (${bytes} bytes)`;
  }
  return `${bytes} bytes`;
}

const APPROXIMATE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/**
 * A byte count at a glance, in binary units with one decimal (progress bars, not messages that
 * must be exact): `512 B`, `1.5 MiB`, `40.0 GiB`.
 * @example formatApproximateBytes(1536) // '1.5 KiB'
 */
export function formatApproximateBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  // On the rounded value: 1,048,575 bytes is 1.0 MiB, not 1024.0 KiB.
  while (Number(value.toFixed(1)) >= 1024 && unit < APPROXIMATE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${APPROXIMATE_UNITS[unit]}`;
}

/** Whether `value` is a byte count: a non-negative safe integer. */
export function isSizeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  kib: 1024,
  m: MiB,
  mib: MiB,
  g: 1024 * MiB,
  gib: 1024 * MiB,
  t: 1024 * 1024 * MiB,
  tib: 1024 * 1024 * MiB,
};

// AWS's Glacier pages write "MB" and mean MiB, while elsewhere MB means 10^6: refused as ambiguous.
const AMBIGUOUS_UNITS = new Set(['kb', 'mb', 'gb', 'tb']);

const SIZE_TEXT = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i;

/**
 * Reads a byte count written for humans: a non-negative integer, or a string such as `'8MiB'`,
 * `'1 GiB'`, `'1.5g'`, `'4608000'`. Units are binary and case-insensitive: B, K/KiB, M/MiB, G/GiB,
 * T/TiB (K, M, G, T as in dd and truncate). `KB`/`MB`/`GB`/`TB` are refused: AWS's Glacier pages
 * write "MB" and mean MiB, elsewhere it means 10^6 bytes. The result must be a whole number of bytes.
 * @throws {TreeHashError} `ERR_INVALID_SIZE` for anything else (negative, fractional bytes, an
 *   ambiguous or unknown unit, beyond 2^53 − 1).
 * @example parseSize('8MiB')   // 8388608
 * @example parseSize('1GiB')   // 1073741824
 * @example parseSize(8388608)  // 8388608
 */
export function parseSize(size: string | number): number {
  const fail = (why: string): never => {
    throw new TreeHashError(
      'ERR_INVALID_SIZE',
      `invalid size: ${why}; expected a whole number of bytes, optionally with a binary unit (B, K or KiB, M or MiB, G or GiB, T or TiB), ` +
        `e.g. "8MiB" or 8388608; got ${describeValue(size)}`,
    );
  };
  if (typeof size === 'number') {
    if (!isSizeNumber(size)) return fail('not a non-negative safe integer');
    return size;
  }
  if (typeof size !== 'string') return fail('not a string or number');
  const match = SIZE_TEXT.exec(size);
  if (!match) return fail('not a number followed by a unit');
  const unit = match[2]!.toLowerCase();
  if (AMBIGUOUS_UNITS.has(unit)) return fail(`"${match[2]}" is ambiguous (AWS writes MB for MiB), write ${unit[0]!.toUpperCase()}iB`);
  const scale = SIZE_UNITS[unit];
  if (scale === undefined) return fail(`unknown unit "${match[2]}"`);
  const [whole, fraction = ''] = match[1]!.split('.');
  // Exact for fractions such as "1.5GiB": scale is a power of two, so whole×scale and fraction×scale
  // are exact integers or a genuine remainder, without rounding through a decimal float.
  let bytes = Number(whole) * scale;
  if (fraction !== '') {
    const numerator = Number(fraction) * scale;
    const denominator = 10 ** fraction.length;
    if (!Number.isSafeInteger(numerator) || numerator % denominator !== 0) return fail('not a whole number of bytes');
    bytes += numerator / denominator;
  }
  if (!Number.isSafeInteger(bytes)) return fail('beyond 2^53 − 1 bytes');
  return bytes;
}
