// Small helpers shared by the retrieval commands (range, plan-download, verify, check, manifest):
// argument parsing that fails with typed errors, and JSON lines. Exit codes are in errors.ts.
import { TreeHashError } from '../core/errors.js';
import { parseSize } from '../core/format.js';

/**
 * Parses a byte count given to option `name`: {@link parseSize}'s rules (binary units, e.g.
 * `6815744`, `64MiB`, `4 GiB`; MB/GB refused as ambiguous), reported as a bad option.
 * @throws {TreeHashError} `ERR_INVALID_OPTION` (the size error as `cause`).
 * @example parseByteCount('64MiB', '--chunk-size') // 67108864
 */
export function parseByteCount(text: string, name: string): number {
  try {
    return parseSize(text);
  } catch (cause) {
    throw new TreeHashError('ERR_INVALID_OPTION', `${name}: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Writes one JSON object as one line.
 * @example printJsonLine({ file, ok: true })
 */
export function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
