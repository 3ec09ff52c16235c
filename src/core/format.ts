// Byte counts in messages, one way everywhere.
import { MiB } from './constants.js';

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
