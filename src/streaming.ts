// What every streaming adapter (Node streams, Web Streams, Blobs) shares: options, the chunk
// loop, cancellation and the shape of the result. No I/O of its own, no node: imports.
import { toBytes } from './bytes.js';
import { TreeHashError, describeValue } from './errors.js';
import { type Checksums, TreeHasher, type TreeHasherOptions } from './hasher.js';

/** The tree hash alone, with the byte count it covers (what `linear: false` returns). */
export interface TreeChecksum {
  size: number;
  treeHash: Uint8Array;
}

/** Options shared by the streaming functions. */
export interface HashStreamOptions {
  /** Stops hashing; the promise rejects with `ERR_ABORTED` (the signal's reason as `cause`). */
  signal?: AbortSignal;
  /** Also compute the linear SHA-256 (default true). `false` skips it: the verification path. */
  linear?: boolean;
  /** Called with each leaf digest as it completes (see TreeHasherOptions.onLeaf). */
  onLeaf?: TreeHasherOptions['onLeaf'];
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

/** @internal A hasher configured from streaming options. */
export function hasherFor(options: HashStreamOptions): TreeHasher {
  return new TreeHasher({ linear: options.linear !== false, ...(options.onLeaf ? { onLeaf: options.onLeaf } : {}) });
}

/** @internal Finishes `hasher` into the result the streaming functions return. */
export function streamResult(hasher: TreeHasher): Checksums | TreeChecksum {
  if (hasher.linear) return hasher.digestChecksums();
  const size = hasher.size;
  return { size, treeHash: hasher.digest() };
}

/**
 * @internal Hashes every chunk of `source`. A failing source rejects with `ERR_READ_FAILED` (its
 * error as `cause`); leaving the loop early calls the iterator's return(), which destroys a Node
 * Readable or cancels a Web stream reader, so nothing goes on reading.
 */
export async function hashChunks(
  source: AsyncIterable<unknown> | Iterable<unknown>,
  options: HashStreamOptions,
): Promise<Checksums | TreeChecksum> {
  const iterable = source as Partial<AsyncIterable<unknown> & Iterable<unknown>> | null;
  if (iterable == null || (typeof iterable[Symbol.asyncIterator] !== 'function' && typeof iterable[Symbol.iterator] !== 'function')) {
    throw new TreeHashError('ERR_INVALID_INPUT', `expected a stream or an (async) iterable of bytes, got ${describeValue(source)}`);
  }
  const { signal } = options;
  throwIfAborted(signal);
  const hasher = hasherFor(options);
  try {
    for await (const chunk of abortableIterate(source, signal)) {
      hasher.update(toBytes(chunk as Uint8Array, 'each chunk'));
    }
  } catch (cause) {
    if (cause instanceof TreeHashError) throw cause;
    throw new TreeHashError('ERR_READ_FAILED', `the stream failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
  return streamResult(hasher);
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
