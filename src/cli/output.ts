// The one way the CLI writes to stdout: lines batched or one by one, waiting when stdout is full.
// A reader that went away (EPIPE, e.g. `| head`) stops output quietly; any other write error is
// kept and thrown from the next write, so it reaches the command's error handling instead of
// becoming an uncaught exception.
import { once } from 'node:events';

/**
 * Writes output lines to stdout. `line()` batches (millions of lines of a plan neither pile up in
 * memory nor go one by one); `write()` sends at once (a table row as its part completes).
 * When the reader goes away, `closed` turns true and further output is dropped.
 * @example const out = new LineWriter(); await out.line('a'); await out.flush(); out.close()
 */
export class LineWriter {
  #lines: string[] = [];
  #closed = false;
  #error: Error | undefined;
  readonly #onError = (error: NodeJS.ErrnoException): void => {
    if (error.code === 'EPIPE') this.#closed = true;
    else this.#error ??= error;
  };

  constructor() {
    process.stdout.on('error', this.#onError);
  }

  /** True once stdout's reader has gone away. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Adds one line (without its newline) to the batch; writes the batch when it is large. */
  async line(text: string): Promise<void> {
    this.#lines.push(text);
    if (this.#lines.length >= 4096) await this.flush();
  }

  /** Writes the batched lines. */
  async flush(): Promise<void> {
    if (this.#lines.length === 0) return;
    const text = `${this.#lines.join('\n')}\n`;
    this.#lines = [];
    await this.write(text);
  }

  /** Writes `text` now (after any batched lines). @throws the stream's error, other than EPIPE. */
  async write(text: string): Promise<void> {
    if (this.#lines.length > 0) await this.flush();
    if (this.#error) throw this.#error;
    if (this.#closed) return;
    try {
      if (!process.stdout.write(text)) await Promise.race([once(process.stdout, 'drain'), once(process.stdout, 'close')]);
    } catch (error) {
      this.#onError(error as NodeJS.ErrnoException);
    }
    if (this.#error) throw this.#error;
  }

  /** Writes what is batched and stops listening for stdout's errors. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      process.stdout.off('error', this.#onError);
    }
  }
}
