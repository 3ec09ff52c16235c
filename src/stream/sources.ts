// What a source of bytes can be, checked one way everywhere: an (async) iterable of chunks, or a
// Web ReadableStream read through its reader; and how a source's failure is reported.
import { TreeHashError, describeValue } from '../core/errors.js';

/** Whether `value` is an async or sync iterable (a Node Readable, a generator, an array of chunks). */
export function isIterable(value: unknown): value is AsyncIterable<unknown> | Iterable<unknown> {
  const iterable = value as Partial<AsyncIterable<unknown> & Iterable<unknown>> | null | undefined;
  return iterable != null && (typeof iterable[Symbol.asyncIterator] === 'function' || typeof iterable[Symbol.iterator] === 'function');
}

/**
 * @internal Throws unless `value` is an (async) iterable.
 * @throws {TreeHashError} `ERR_INVALID_INPUT`: `expected` (what the caller takes), then what came.
 */
export function assertIterable(value: unknown, expected: string): asserts value is AsyncIterable<unknown> | Iterable<unknown> {
  if (!isIterable(value)) throw new TreeHashError('ERR_INVALID_INPUT', `${expected}, got ${describeValue(value)}`);
}

/** Whether `value` has a Web ReadableStream's reader (also a stream from another realm, or Safari's, which is not async iterable). */
export function isReadableStream(value: unknown): value is ReadableStream<unknown> {
  return value !== null && typeof (value as { getReader?: unknown } | undefined)?.getReader === 'function';
}

/**
 * @internal The error to reject with when reading a source threw `cause`: our own errors and
 * what the progress callback threw (the caller's, not a failure of the source) unchanged, anything
 * else as `ERR_READ_FAILED` with `cause`, its message after `what`.
 */
export function readFailure(cause: unknown, progress: { threw(error: unknown): boolean } | undefined, what: string): unknown {
  if (cause instanceof TreeHashError || progress?.threw(cause)) return cause;
  return new TreeHashError('ERR_READ_FAILED', `${what}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
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
