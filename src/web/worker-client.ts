// hashBlob in a dedicated Web Worker (`{ worker: true }`): one worker, started from this module's
// own URL on first use and shared by every call (jobs are told apart by id), so the page's main
// thread only posts the Blob (a handle, not its bytes) and receives progress and the result.
import { TreeHashError, describeValue } from '../core/errors.js';
import { checkEngine } from '../hash/engine.js';
import type { Checksums } from '../hash/tree-hasher.js';
import type { HashStreamOptions, TreeChecksum } from '../stream/chunks.js';
import { checkProgressCallback } from '../stream/progress.js';
import { type WorkerReply, type WorkerRequest, deserializeError } from './worker-protocol.js';

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, (reply: WorkerReply) => void>();

function failAll(message: string, cause?: unknown): void {
  const error: WorkerReply = { type: 'error', id: 0, error: { name: 'TreeHashError', code: 'ERR_WORKER_FAILED', message, cause } };
  for (const [id, handle] of [...pending]) handle({ ...error, id });
}

function startWorker(): Worker {
  if (worker !== undefined) return worker;
  if (typeof Worker !== 'function') {
    throw new TreeHashError(
      'ERR_WORKER_FAILED',
      '{ worker: true } needs Web Workers (browsers, Deno); this runtime has none: leave `worker` unset to hash on this thread',
    );
  }
  let started: Worker;
  try {
    // Bundlers that know this pattern (Vite, webpack 5, Parcel) emit worker.js as its own chunk.
    started = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  } catch (cause) {
    throw new TreeHashError('ERR_WORKER_FAILED', `could not start the hashing worker: ${String(cause)}`, { cause });
  }
  started.addEventListener('message', (event: MessageEvent<WorkerReply>) => pending.get(event.data.id)?.(event.data));
  started.addEventListener('error', (event: ErrorEvent) => {
    // The script failed to load (a CSP worker-src, a bundle without worker.js) or threw at the top.
    event.preventDefault();
    if (worker === started) worker = undefined;
    started.terminate();
    failAll(
      `the hashing worker failed${event.message ? `: ${event.message}` : ' to start (is worker.js served next to the library, and allowed by worker-src?)'}`,
    );
  });
  worker = started;
  return started;
}

/** @internal The options that travel to the worker, checked here first (callbacks stay on this side). */
function checkWorkerOptions(options: HashStreamOptions): Record<string, unknown> {
  if (options.onLeaf !== undefined) {
    throw new TreeHashError('ERR_INVALID_OPTION', 'onLeaf cannot be used with { worker: true }: leaf digests are not sent back from the worker');
  }
  if (options.linear !== undefined && typeof options.linear !== 'boolean') {
    throw new TreeHashError('ERR_INVALID_OPTION', `linear must be a boolean, got ${describeValue(options.linear)}`);
  }
  checkProgressCallback(options.onProgress);
  const travelling: Record<string, unknown> = { engine: checkEngine(options.engine) };
  if (options.linear !== undefined) travelling.linear = options.linear;
  return travelling;
}

/**
 * @internal hashBlob in the shared worker. Progress reports arrive in order, the final one before
 * the result; whatever `onProgress` throws rejects with that value and stops the worker's job;
 * `signal` aborts the job there (`ERR_ABORTED`, as on this thread).
 */
export function hashBlobInWorker(blob: Blob, options: HashStreamOptions): Promise<Checksums | TreeChecksum> {
  const travelling = checkWorkerOptions(options);
  const { signal, onProgress } = options;
  if (signal?.aborted) return Promise.reject(new TreeHashError('ERR_ABORTED', 'hashing was aborted before it started', { cause: signal.reason }));
  const target = startWorker();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const cleanUp = () => {
      pending.delete(id);
      signal?.removeEventListener('abort', onAbort);
    };
    const send = (request: WorkerRequest) => target.postMessage(request);
    // As on this thread: the promise rejects at once, and no progress is reported after an abort.
    function onAbort(): void {
      const reason: unknown = signal!.reason;
      cleanUp();
      let travelling = reason;
      try {
        structuredClone(reason);
      } catch {
        travelling = String(reason);
      }
      send({ type: 'abort', id, reason: travelling });
      reject(new TreeHashError('ERR_ABORTED', 'hashing was aborted', { cause: reason }));
    }
    pending.set(id, (reply) => {
      if (reply.type === 'progress') {
        try {
          onProgress?.({ bytes: reply.bytes, total: reply.total });
        } catch (error) {
          cleanUp();
          send({ type: 'abort', id, reason: 'onProgress threw' });
          reject(error);
        }
        return;
      }
      cleanUp();
      if (reply.type === 'done') resolve(reply.result as Checksums | TreeChecksum);
      else reject(deserializeError(reply.error));
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    send({ type: 'hashBlob', id, blob, options: travelling, progress: onProgress !== undefined });
  });
}
