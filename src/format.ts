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
