// What a source of bytes can be, checked one way everywhere: an (async) iterable of chunks, or a
// Web ReadableStream read through its reader; and how a source's failure is reported.
import { TreeHashError, describeValue } from '../core/errors.js';

/** Whether `value` is an async or sync iterable (a Node Readable, a generator, an array of chunks). */
export function isIterable(value: unknown): value is AsyncIterable<unknown> | Iterable<unknown> {
  const iterable = value as Partial<AsyncIterable<unknown> & Iterable<unknown>> | null | undefined;
  return iterable != null && (typeof iterable[Symbol.asyncIterator] === 'function' || typeof iterable[Symbol.iterator] === 'function');
}

/**
 * @internal Throws unless `value` is a stream or (async) iterable of chunks that can still be read:
 * not bytes (an iterable too, of numbers: the one-shot functions take bytes), not a Node Readable
 * that has already ended or was destroyed (it would hash as 0 bytes).
 * @throws {TreeHashError} `ERR_INVALID_INPUT`.
 */
export function assertReadableSource(value: unknown, fn: string): asserts value is AsyncIterable<unknown> | Iterable<unknown> {
  if (typeof value === 'string' || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    throw new TreeHashError('ERR_INVALID_INPUT', `${fn} takes a stream, not ${describeValue(value)} (bytes: use computeChecksums)`);
  }
  assertIterable(value, `${fn} expects a Readable or an (async) iterable of bytes`);
  const stream = value as { readableEnded?: unknown; destroyed?: unknown; readable?: unknown };
  if (stream.readableEnded === true || (stream.destroyed === true && stream.readable === false)) {
    throw new TreeHashError('ERR_INVALID_INPUT', `${fn} was given a stream that has already ended`);
  }
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
 * @internal Throws unless `stream` can be read: a locked one (a reader already attached, or piped)
 * would make getReader() throw the platform's TypeError.
 * @throws {TreeHashError} `ERR_INVALID_INPUT`.
 */
export function assertUnlocked(stream: ReadableStream<unknown>): void {
  if (stream.locked === true) {
    throw new TreeHashError('ERR_INVALID_INPUT', 'the ReadableStream is locked (another reader has it)');
  }
}

/**
 * @internal The chunks of a ReadableStream through its reader (Safari's streams are not async
 * iterable). Stopping early (an abort, an error) cancels the stream, so its source stops producing.
 */
export function readerChunks(stream: ReadableStream<unknown>): AsyncGenerator<unknown> {
  assertUnlocked(stream);
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
