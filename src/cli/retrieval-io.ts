// Small helpers shared by the retrieval commands (range, plan-download, verify, check, manifest):
// argument parsing that fails with typed errors, JSON lines, and the exit-code convention
// (0 ok, 1 mismatch or failed check, 2 any other error). A command signals a mismatch by setting
// process.exitCode; any other error is thrown and main.ts prints it and exits 2.
import { once } from 'node:events';
import { TreeHashError } from '../errors.js';
import { parseSize } from '../multipart.js';

/** Exit code for a verification that ran and found a mismatch (or a failed check). */
export const EXIT_MISMATCH = 1;
/** Exit code for any other error: bad arguments, unreadable files. */
export const EXIT_ERROR = 2;

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

/**
 * Writes output lines to stdout in batches, waiting when stdout is full, so that millions of lines
 * (a plan of the largest archive in 1 MiB pieces) neither pile up in memory nor go one by one.
 * When the reader goes away (EPIPE, e.g. `| head`), `closed` turns true and further lines are dropped.
 * @example const out = new LineWriter(); await out.line('a'); await out.flush()
 */
export class LineWriter {
  #lines: string[] = [];
  #closed = false;

  /** True once stdout's reader has gone away. */
  get closed(): boolean {
    return this.#closed;
  }

  async line(text: string): Promise<void> {
    this.#lines.push(text);
    if (this.#lines.length >= 4096) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#lines.length === 0 || this.#closed) return;
    const text = `${this.#lines.join('\n')}\n`;
    this.#lines = [];
    try {
      if (!process.stdout.write(text)) await once(process.stdout, 'drain');
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EPIPE') throw error;
      this.#closed = true;
    }
  }
}
