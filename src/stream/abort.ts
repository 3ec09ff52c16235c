// Cancellation: an AbortSignal stops a source at once, also while it waits for data.
import { TreeHashError } from '../core/errors.js';

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
export async function* abortableIterate<T>(source: AsyncIterable<T> | Iterable<T>, signal: AbortSignal | undefined): AsyncGenerator<T, void, undefined> {
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
