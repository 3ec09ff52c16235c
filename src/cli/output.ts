// The one way the CLI writes to stdout. Every write waits until stdout has taken it, so a failure
// (a full disk, `> /dev/full`, a reader that went away) is seen at the write that met it: the
// command stops there, and main.ts prints one line, `treehash: write error: No space left on
// device`, and exits 2, whatever the command was doing (it is never blamed on an input file, and
// never an uncaught 'error' event with a stack trace). Text goes out as bytes: a file name with
// bytes that are not UTF-8 is written back as those bytes (names.ts).
import { getSystemErrorMap } from 'node:util';
import { TreeHashError } from '../core/errors.js';
import { encodeName } from './names.js';

/** The C library's words for an errno code (`ENOSPC` → "No space left on device"), as coreutils print them. */
export function systemMessage(error: unknown): string {
  const { errno, code, message } = (error ?? {}) as { errno?: unknown; code?: unknown; message?: unknown };
  const known: Record<string, string> = {
    ENOSPC: 'No space left on device',
    EPIPE: 'Broken pipe',
    EIO: 'Input/output error',
    EBADF: 'Bad file descriptor',
    EFBIG: 'File too large',
    EDQUOT: 'Disk quota exceeded',
    ECONNRESET: 'Connection reset by peer',
  };
  if (typeof code === 'string' && known[code] !== undefined) return known[code];
  const libuv = typeof errno === 'number' ? getSystemErrorMap().get(errno)?.[1] : undefined;
  if (libuv !== undefined) return libuv.charAt(0).toUpperCase() + libuv.slice(1);
  return typeof message === 'string' ? message : String(error);
}

/** stdout's failure (`ERR_WRITE_FAILED`): reported once, by main.ts, never as a failure of a file. */
export class StdoutWriteError extends TreeHashError {
  constructor(cause: unknown) {
    super('ERR_WRITE_FAILED', `write error: ${systemMessage(cause)}`, { cause });
  }
}

/** stdout, written in order; the first failure is kept and thrown by every later write. */
class Stdout {
  #failure: StdoutWriteError | undefined;
  #tail: Promise<void> = Promise.resolve();
  #listening = false;

  #fail(cause: unknown): void {
    this.#failure ??= new StdoutWriteError(cause);
  }

  /** Writes `text` and resolves once stdout has taken it. @throws {TreeHashError} `ERR_WRITE_FAILED` ({@link StdoutWriteError}). */
  write(text: string): Promise<void> {
    this.#tail = this.#tail.then(() => this.#send(text));
    return this.#tail.then(() => this.#throwIfFailed());
  }

  /** Writes `text` without waiting (commander's help text); {@link settle} reports a failure. */
  queue(text: string): void {
    this.#tail = this.#tail.then(() => this.#send(text));
  }

  /** Waits for everything written so far. @throws {TreeHashError} stdout's failure, if any. */
  async settle(): Promise<void> {
    await this.#tail;
    this.#throwIfFailed();
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  #send(text: string): Promise<void> {
    if (this.#failure !== undefined || text === '') return Promise.resolve();
    if (!this.#listening) {
      // Without a listener an error would be an uncaught 'error' event; the write's callback reports it.
      process.stdout.on('error', () => {});
      this.#listening = true;
    }
    return new Promise<void>((resolve) => {
      try {
        process.stdout.write(encodeName(text), (error) => {
          if (error) this.#fail(error);
          resolve();
        });
      } catch (error) {
        this.#fail(error);
        resolve();
      }
    });
  }
}

/** The process's stdout; use it (or a {@link LineWriter}) for every byte of output. */
export const stdout = new Stdout();

/**
 * Writes one JSON object as one line.
 * @example await printJsonLine({ file, ok: true })
 */
export function printJsonLine(value: unknown): Promise<void> {
  return stdout.write(`${JSON.stringify(value)}\n`);
}

/**
 * Writes output lines to stdout. `line()` batches (millions of lines of a plan neither pile up in
 * memory nor go one by one); `write()` sends at once (a table row as its part completes).
 * @example const out = new LineWriter(); await out.line('a'); await out.close();
 */
export class LineWriter {
  #lines: string[] = [];

  /** Adds one line (without its newline) to the batch; writes the batch when it is large. */
  async line(text: string): Promise<void> {
    this.#lines.push(text);
    if (this.#lines.length >= 4096) await this.flush();
  }

  /** Writes the batched lines. @throws {TreeHashError} stdout's failure. */
  async flush(): Promise<void> {
    if (this.#lines.length === 0) return;
    const text = `${this.#lines.join('\n')}\n`;
    this.#lines = [];
    await stdout.write(text);
  }

  /** Writes `text` now (after any batched lines). @throws {TreeHashError} stdout's failure. */
  async write(text: string): Promise<void> {
    await this.flush();
    await stdout.write(text);
  }

  /** Writes what is batched. @throws {TreeHashError} stdout's failure. */
  async close(): Promise<void> {
    await this.flush();
  }
}
