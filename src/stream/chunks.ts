// What every streaming adapter (Node streams, Web Streams, Blobs) shares: options, the chunk
// loop, cancellation and the shape of the result. No I/O of its own, no node: imports.
import { toBytes } from '../core/bytes.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { LEAF_SIZE, MiB } from '../core/constants.js';
import { type EngineOptions, checkEngine, nativeHashFactory } from '../hash/engine.js';
import { type Checksums, type LinearSha256, TreeHasher, type TreeHasherOptions, createLinearSha256 } from '../hash/tree-hasher.js';

/** The tree hash alone, with the byte count it covers (what `linear: false` returns). */
export interface TreeChecksum {
  size: number;
  treeHash: Uint8Array;
}

/**
 * How far a long hashing call has got: the argument of a {@link ProgressCallback}.
 * @example const onProgress = ({ bytes, total }: HashProgress) => console.error(bytes, '/', total ?? '?');
 */
export interface HashProgress {
  /** Input bytes hashed so far (see {@link HashStreamOptions.onProgress} for when a byte counts). */
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

/** Options shared by the streaming functions. */
export interface HashStreamOptions extends EngineOptions {
  /**
   * Called as the input is hashed, at least {@link PROGRESS_STEP} bytes apart (after a read or a
   * chunk, never per small chunk), then once more when the hash is complete, just before the
   * promise resolves, with `bytes` and `total` both the result's `size`. `bytes` never decreases;
   * only that final call may repeat the `bytes` of the call before it (a stream's total becomes
   * known only at its end). Not called after an error or an abort. A byte counts once it is
   * hashed or handed to the hasher: in Node's `hashFile`/`hashStream` once its leaf digest is in
   * the tree and it is in the linear SHA-256 (reading runs up to 16 MiB ahead; files under 8 MiB
   * on the Wasm engines count a byte once it is read into the kernel's 4 MiB input window); in
   * `hashBlob` / `hashWebStream` once it is handed to the hasher, which hashes whole 4 MiB windows
   * (with WebCrypto, up to 4 leaves are still in flight). Whatever the callback throws rejects the
   * call with that error.
   */
  onProgress?: ProgressCallback;

  /** Stops hashing; the promise rejects with `ERR_ABORTED` (the signal's reason as `cause`). */
  signal?: AbortSignal;
  /** Also compute the linear SHA-256 (default true). `false` skips it: the verification path. */
  linear?: boolean;
  /** Called with each leaf digest as it completes (see TreeHasherOptions.onLeaf). */
  onLeaf?: TreeHasherOptions['onLeaf'];
}

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

function abortError(signal: AbortSignal): TreeHashError {
  return new TreeHashError('ERR_ABORTED', 'hashing was aborted', { cause: signal.reason });
}

/** @internal */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/**
 * @internal The items of `source`, stopping as soon as `signal` fires, also while the source waits
 * for data (a stalled socket): checking only between chunks would hang there. On abort the pending
 * read is abandoned, the source is closed (a Node stream destroyed; the iterator's return(), which
 * cancels a Web stream reader) and the iteration rejects with `ERR_ABORTED` (the reason as `cause`).
 */
export async function* abortableIterate<T>(
  source: AsyncIterable<T> | Iterable<T>,
  signal: AbortSignal | undefined,
): AsyncGenerator<T, void, undefined> {
  throwIfAborted(signal);
  if (signal === undefined) {
    yield* source;
    return;
  }
  const iterator: AsyncIterator<T> | Iterator<T> =
    typeof (source as AsyncIterable<T>)[Symbol.asyncIterator] === 'function'
      ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (source as Iterable<T>)[Symbol.iterator]();
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError(signal));
  });
  aborted.catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  let exhausted = false;
  try {
    for (;;) {
      const step = await Promise.race([iterator.next(), aborted]);
      if (step.done === true) {
        exhausted = true;
        return;
      }
      yield step.value;
      throwIfAborted(signal);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (!exhausted) {
      if (signal.aborted) {
        // A read may still be pending, and return() of a generator waits for it: do not await it.
        const stream = source as { destroy?: (error?: Error) => unknown };
        if (typeof stream.destroy === 'function') stream.destroy();
        Promise.resolve()
          .then(() => iterator.return?.())
          .catch(() => undefined);
      } else {
        await iterator.return?.();
      }
    }
  }
}

/**
 * @internal A hasher configured from streaming options. Nothing saves a streaming function's
 * hasher, so 'auto' may put the linear SHA-256 in node:crypto too (engine 'native').
 */
export function hasherFor(options: HashStreamOptions): TreeHasher {
  const requested = checkEngine(options.engine);
  const engine = requested === 'auto' && nativeHashFactory() !== undefined ? 'native' : requested;
  return new TreeHasher({ linear: options.linear !== false, engine, ...(options.onLeaf ? { onLeaf: options.onLeaf } : {}) });
}

/** @internal Finishes `hasher` into the result the streaming functions return. */
export function streamResult(hasher: TreeHasher): Checksums | TreeChecksum {
  if (hasher.linear) return hasher.digestChecksums();
  const size = hasher.size;
  return { size, treeHash: hasher.digest() };
}

/** WebCrypto's SubtleCrypto, where the runtime has it. */
function subtleCrypto(): SubtleCrypto | undefined {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  return typeof subtle?.digest === 'function' ? subtle : undefined;
}

/**
 * Whether an async streaming call hashes its leaves with WebCrypto: engine 'native' or 'auto'
 * where there is no node:crypto (browsers, Deno, workers) but `crypto.subtle` exists.
 */
function usesWebCrypto(options: HashStreamOptions): boolean {
  const engine = checkEngine(options.engine);
  return (engine === 'native' || engine === 'auto') && nativeHashFactory() === undefined && subtleCrypto() !== undefined;
}

// Leaves whose digests are in flight at once; each has its own buffer, so none is reused before
// its digest has resolved.
const WEB_LEAVES_IN_FLIGHT = 4;

/**
 * Whole leaves through WebCrypto's digest (asynchronous, so only for async APIs); the tree on a
 * Wasm hasher's stack, the linear SHA-256 on the Wasm kernel.
 */
class WebCryptoTree {
  readonly #subtle: SubtleCrypto;
  readonly #tree: TreeHasher;
  readonly #linear: LinearSha256 | undefined;
  readonly #onLeaf: TreeHasherOptions['onLeaf'];
  readonly #buffers: Uint8Array[] = [];
  readonly #inFlight: { digest: Promise<ArrayBuffer>; length: number }[] = [];
  #leaf: Uint8Array;
  #fill = 0;
  #size = 0;
  #leaves = 0;

  constructor(subtle: SubtleCrypto, options: HashStreamOptions) {
    this.#subtle = subtle;
    // The tree hasher reports only the one empty leaf of empty input; leaves are reported here.
    this.#tree = new TreeHasher({ engine: 'wasm', ...(options.onLeaf ? { onLeaf: options.onLeaf } : {}) });
    this.#linear = options.linear !== false ? createLinearSha256() : undefined;
    this.#onLeaf = options.onLeaf;
    for (let i = 0; i <= WEB_LEAVES_IN_FLIGHT; i++) this.#buffers.push(new Uint8Array(LEAF_SIZE));
    this.#leaf = this.#buffers[0]!;
  }

  async update(bytes: Uint8Array): Promise<void> {
    this.#linear?.update(bytes);
    this.#size += bytes.length;
    for (let offset = 0; offset < bytes.length; ) {
      const n = Math.min(LEAF_SIZE - this.#fill, bytes.length - offset);
      this.#leaf.set(bytes.subarray(offset, offset + n), this.#fill);
      this.#fill += n;
      offset += n;
      if (this.#fill === LEAF_SIZE) await this.#send();
    }
  }

  async #send(): Promise<void> {
    const leaf = this.#leaf.subarray(0, this.#fill);
    this.#inFlight.push({ digest: this.#subtle.digest('SHA-256', leaf as Uint8Array<ArrayBuffer>), length: this.#fill });
    this.#fill = 0;
    this.#leaf = this.#buffers[(this.#leaves + this.#inFlight.length) % this.#buffers.length]!;
    if (this.#inFlight.length === WEB_LEAVES_IN_FLIGHT) await this.#receive();
  }

  async #receive(): Promise<void> {
    const { digest, length } = this.#inFlight.shift()!;
    const bytes = new Uint8Array(await digest);
    this.#tree.appendTreeHash(bytes, length);
    this.#onLeaf?.(bytes, this.#leaves); // a fresh array: appendTreeHash copied it into the kernel
    this.#leaves++;
  }

  async finish(): Promise<Checksums | TreeChecksum> {
    if (this.#fill > 0) await this.#send();
    while (this.#inFlight.length > 0) await this.#receive();
    const treeHash = this.#tree.digest();
    const size = this.#size;
    return this.#linear ? { size, treeHash, sha256: this.#linear.digest() } : { size, treeHash };
  }

  /** Lets the digests in flight settle (nothing is kept). */
  async abandon(): Promise<void> {
    await Promise.allSettled(this.#inFlight.map((entry) => entry.digest));
  }
}

/**
 * @internal Hashes every chunk of `source`. A failing source rejects with `ERR_READ_FAILED` (its
 * error as `cause`); leaving the loop early calls the iterator's return(), which destroys a Node
 * Readable or cancels a Web stream reader, so nothing goes on reading. `total`: the bytes the
 * source holds, when known (for `onProgress`).
 */
export async function hashChunks(
  source: AsyncIterable<unknown> | Iterable<unknown>,
  options: HashStreamOptions,
  total?: number,
): Promise<Checksums | TreeChecksum> {
  const iterable = source as Partial<AsyncIterable<unknown> & Iterable<unknown>> | null;
  if (iterable == null || (typeof iterable[Symbol.asyncIterator] !== 'function' && typeof iterable[Symbol.iterator] !== 'function')) {
    throw new TreeHashError('ERR_INVALID_INPUT', `expected a stream or an (async) iterable of bytes, got ${describeValue(source)}`);
  }
  const { signal } = options;
  const progress = new ProgressReporter(options.onProgress, total);
  throwIfAborted(signal);
  const web = usesWebCrypto(options) ? new WebCryptoTree(subtleCrypto()!, options) : undefined;
  const hasher = web === undefined ? hasherFor(options) : undefined;
  try {
    for await (const chunk of abortableIterate(source, signal)) {
      const bytes = toBytes(chunk as Uint8Array, 'each chunk');
      if (!progress.active) {
        // The hot path: nothing allocated per chunk (an array and its iterator cost 10% at 256-byte chunks).
        if (web !== undefined) await web.update(bytes);
        else hasher!.update(bytes);
        continue;
      }
      // With a callback, a huge chunk (Node gives a Blob's part whole) goes in by steps, each counted.
      for (let offset = 0; offset < bytes.length; offset += PROGRESS_STEP) {
        const piece = bytes.subarray(offset, offset + PROGRESS_STEP);
        if (web !== undefined) await web.update(piece);
        else hasher!.update(piece);
        progress.advance(piece.length);
      }
    }
  } catch (cause) {
    await web?.abandon();
    // The callback's own error is the caller's, not a failure of the stream.
    if (cause instanceof TreeHashError || progress.threw(cause)) throw cause;
    throw new TreeHashError('ERR_READ_FAILED', `the stream failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
  const result = web !== undefined ? await web.finish() : streamResult(hasher!);
  progress.finish(result.size);
  return result;
}

/**
 * @internal The chunks of a ReadableStream through its reader (Safari's streams are not async
 * iterable). Stopping early (an abort, an error) cancels the stream, so its source stops producing.
 */
export function readerChunks(stream: ReadableStream<unknown>): AsyncGenerator<unknown> {
  const reader = stream.getReader();
  const chunks = readAll(reader);
  // return() of a generator waits for a pending read(), which a stalled stream never ends:
  // cancelling first ends that read, so an abort closes the stream at once.
  const plainReturn = chunks.return.bind(chunks);
  chunks.return = (value) => {
    void reader.cancel().catch(() => undefined);
    return plainReturn(value);
  };
  return chunks;
}

async function* readAll(reader: ReadableStreamDefaultReader<unknown>): AsyncGenerator<unknown> {
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
