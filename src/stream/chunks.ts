// What every streaming adapter (Node streams, Web Streams, Blobs) shares: options, the chunk
// loop and the shape of the result. No I/O of its own, no node: imports.
import { toBytes } from '../core/bytes.js';
import { booleanOption, functionOption, optionsObject, signalOption } from '../core/options.js';
import { type EngineOptions, type LinearHashFactory, checkEngine, resolveEngine } from '../hash/engine.js';
import { type Checksums, KernelTreeHasher, type TreeHasherOptions } from '../hash/tree-hasher.js';
import { abortableIterate, throwIfAborted } from './abort.js';
import { PROGRESS_STEP, type ProgressCallback, ProgressReporter, checkProgressCallback } from './progress.js';
import { assertIterable, readFailure } from './sources.js';
import { WebCryptoTree } from './web-crypto.js';

/** The tree hash alone, with the byte count it covers (what `linear: false` returns). */
export interface TreeChecksum {
  size: number;
  treeHash: Uint8Array;
}

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
 * @internal The options of the streaming function `fn`, checked: an object or undefined, and each
 * option of its type (engine, onProgress, signal, linear, onLeaf).
 * @throws {TreeHashError} `ERR_INVALID_OPTION`.
 */
export function streamOptions<T extends HashStreamOptions>(options: unknown, fn: string): T {
  const checked = optionsObject<T>(options, `the options of ${fn}`);
  checkEngine(checked.engine);
  checkProgressCallback(checked.onProgress);
  signalOption(checked.signal);
  booleanOption(checked.linear, 'linear');
  functionOption(checked.onLeaf, 'onLeaf');
  return checked as T;
}

/**
 * @internal A hasher configured from streaming options. Nothing saves a streaming function's
 * hasher, so 'auto' may put the linear SHA-256 in node:crypto too (engine 'native'). `native`:
 * the caller's own synchronous SHA-256 (the Node adapters pass node:crypto's).
 */
export function streamHasher(options: HashStreamOptions, native?: LinearHashFactory): KernelTreeHasher {
  const { engine } = resolveEngine(options.engine, 'unsaved', native);
  return new KernelTreeHasher({ linear: options.linear !== false, engine, ...(options.onLeaf ? { onLeaf: options.onLeaf } : {}) });
}

/** @internal Finishes `hasher` into the result the streaming functions return. */
export function streamResult(hasher: KernelTreeHasher): Checksums | TreeChecksum {
  if (hasher.linear) return hasher.digestChecksums();
  const size = hasher.size;
  return { size, treeHash: hasher.digest() };
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
  assertIterable(source, 'expected a stream or an (async) iterable of bytes');
  const { signal } = options;
  const progress = new ProgressReporter(options.onProgress, total);
  throwIfAborted(signal);
  const { webCrypto, build } = resolveEngine(options.engine, 'async');
  const web = webCrypto !== undefined ? new WebCryptoTree(webCrypto, options, build) : undefined;
  const hasher = web === undefined ? streamHasher(options) : undefined;
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
    throw readFailure(cause, progress, 'the stream failed');
  }
  const result = web !== undefined ? await web.finish() : streamResult(hasher!);
  progress.finish(result.size);
  return result;
}
