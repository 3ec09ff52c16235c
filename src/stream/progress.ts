// Progress reports of the long-running calls (hashFile, hashBlob, hashParts, …): one shape
// everywhere, throttled by bytes.
import { MiB } from '../core/constants.js';
import { TreeHashError, describeValue } from '../core/errors.js';

/**
 * How far a long hashing call has got: the argument of a {@link ProgressCallback}.
 * @example const onProgress = ({ bytes, total }: HashProgress) => console.error(bytes, '/', total ?? '?');
 */
export interface HashProgress {
  /** Input bytes hashed so far (see `HashStreamOptions.onProgress` for when a byte counts). */
  readonly bytes: number;
  /**
   * The bytes the call hashes in all, when known up front (a file's size or range, a Blob's size);
   * `undefined` for a stream until the final call, which gives its size.
   */
  readonly total: number | undefined;
}

/**
 * Receives progress reports of a long hashing call (`onProgress`). It runs synchronously, in the
 * middle of the call: keep it cheap. Whatever it throws ends the call, whose promise then rejects
 * with that very error (the input is closed, nothing is hashed on).
 * @example
 * const onProgress: ProgressCallback = ({ bytes, total }) =>
 *   process.stderr.write(`\r${bytes} / ${total ?? '?'} bytes`);
 * await hashFile(path, { onProgress });
 */
export type ProgressCallback = (progress: HashProgress) => void;

/**
 * The fewest bytes between two progress reports (the final report excepted): one leaf. Reports go
 * by bytes, not time, so they are deterministic and cost nothing measurable: a 64 MiB input gets
 * at most 65 calls.
 */
export const PROGRESS_STEP = MiB;

/**
 * @internal Validates an `onProgress` option; undefined means none.
 * @throws {TreeHashError} `ERR_INVALID_OPTION` for anything but a function.
 */
export function checkProgressCallback(value: unknown): ProgressCallback | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new TreeHashError('ERR_INVALID_OPTION', `onProgress must be a function (or undefined), got ${describeValue(value)}`);
  }
  return value as ProgressCallback | undefined;
}

/**
 * @internal Turns bytes hashed into throttled {@link ProgressCallback} calls: one at least
 * {@link PROGRESS_STEP} bytes after the previous, and the final one from {@link finish}. Without a
 * callback every method is a no-op. It remembers what the callback threw, so that a caller which
 * wraps stream errors (`ERR_READ_FAILED`) can let the callback's own error through unchanged.
 * @throws {TreeHashError} `ERR_INVALID_OPTION` at construction when `callback` is not a function.
 * @example
 * const progress = new ProgressReporter(options.onProgress, file.size);
 * progress.advance(bytesRead); // per read
 * progress.finish(result.size); // once, when the hash is complete
 */
export class ProgressReporter {
  readonly #callback: ProgressCallback | undefined;
  readonly #total: number | undefined;
  #bytes = 0;
  #reported = 0;
  #thrown: { error: unknown } | undefined;

  constructor(callback: unknown, total: number | undefined) {
    this.#callback = checkProgressCallback(callback);
    this.#total = total;
  }

  /** Whether there is a callback to report to. */
  get active(): boolean {
    return this.#callback !== undefined;
  }

  /** Counts `length` more bytes hashed; calls back when a step is complete (not at a known total: {@link finish} reports that). */
  advance(length: number): void {
    if (this.#callback === undefined) return;
    this.#bytes += length;
    if (this.#bytes - this.#reported >= PROGRESS_STEP && this.#bytes !== this.#total) {
      this.#reported = this.#bytes;
      this.#call(this.#bytes, this.#total);
    }
  }

  /** The final call: all `size` bytes are hashed. */
  finish(size: number): void {
    if (this.#callback !== undefined) this.#call(size, size);
  }

  /** Whether `error` is what the callback threw. */
  threw(error: unknown): boolean {
    return this.#thrown !== undefined && this.#thrown.error === error;
  }

  #call(bytes: number, total: number | undefined): void {
    try {
      this.#callback!({ bytes, total });
    } catch (error) {
      this.#thrown = { error };
      throw error;
    }
  }
}
