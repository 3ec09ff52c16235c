// What every streaming adapter (Node streams, Web Streams, Blobs) shares: options, the chunk
// loop, cancellation and the shape of the result. No I/O of its own, no node: imports.
import { toBytes } from './bytes.js';
import { TreeHashError, describeValue } from './errors.js';
import { type EngineOptions, checkEngine, nativeHashFactory } from './engine.js';
import { type Checksums, TreeHasher, type TreeHasherOptions } from './hasher.js';

/** The tree hash alone, with the byte count it covers (what `linear: false` returns). */
export interface TreeChecksum {
  size: number;
  treeHash: Uint8Array;
}

/** Options shared by the streaming functions. */
export interface HashStreamOptions extends EngineOptions {
  /** Stops hashing; the promise rejects with `ERR_ABORTED` (the signal's reason as `cause`). */
  signal?: AbortSignal;
  /** Also compute the linear SHA-256 (default true). `false` skips it: the verification path. */
  linear?: boolean;
  /** Called with each leaf digest as it completes (see TreeHasherOptions.onLeaf). */
  onLeaf?: TreeHasherOptions['onLeaf'];
}

/** @internal */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new TreeHashError('ERR_ABORTED', 'hashing was aborted', { cause: signal.reason });
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
    for await (const chunk of source as AsyncIterable<unknown>) {
      throwIfAborted(signal);
      hasher.update(toBytes(chunk as Uint8Array, 'each chunk'));
    }
  } catch (cause) {
    if (cause instanceof TreeHashError) throw cause;
    throw new TreeHashError('ERR_READ_FAILED', `the stream failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
  return streamResult(hasher);
}
