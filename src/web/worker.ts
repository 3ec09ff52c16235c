// The hashing worker: a dedicated Web Worker that runs hashBlob and hashBlobParts off the page's
// main thread. The page starts it from the library's own module (src/web/worker-client.ts, with
// `{ worker: true }`). Progress comes back as messages; an abort from the page aborts the job here.
import { partStateFields } from '../upload/run.js';
import type { HashPartsOptions } from '../upload/types.js';
import { hashBlobParts } from './parts.js';
import { hashBlob } from './streams.js';
import { type PartStateRecords, type SerializedError, type WorkerReply, type WorkerRequest, serializeError } from './worker-protocol.js';

interface WorkerScope {
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerRequest>) => void): void;
}
const scope = globalThis as unknown as WorkerScope;
/** The running jobs: their abort, and for parts the page's request for the next one. */
const jobs = new Map<number, { controller: AbortController; next?: () => void }>();

function post(message: WorkerReply, transfer?: Transferable[]): void {
  try {
    scope.postMessage(message, transfer);
  } catch {
    // An error whose cause cannot be cloned after all: send it without the cause.
    if (message.type === 'error') scope.postMessage({ ...message, error: { ...message.error, cause: String(message.error.cause) } });
  }
}

async function run(request: Extract<WorkerRequest, { type: 'start' }>): Promise<void> {
  const { id } = request;
  const job: { controller: AbortController; next?: () => void } = { controller: new AbortController() };
  jobs.set(id, job);
  try {
    const options = {
      ...request.options,
      signal: job.controller.signal,
      ...(request.progress
        ? { onProgress: ({ bytes, total }: { bytes: number; total: number | undefined }) => post({ type: 'progress', id, bytes, total }) }
        : {}),
    };
    if (request.job === 'hashBlob') {
      post({ type: 'done', id, result: await hashBlob(request.blob, options) });
      return;
    }
    const hashing = hashBlobParts(request.blob, options as HashPartsOptions);
    for await (const part of hashing) {
      let state: PartStateRecords | { error: SerializedError };
      try {
        const { part: inProgress, whole } = partStateFields(hashing);
        state = { part: inProgress, whole };
      } catch (error) {
        state = { error: serializeError(error) };
      }
      // The part's bytes (keepBytes) are its own buffer: moved to the page, not copied.
      post({ type: 'part', id, part, state }, part.bytes ? [part.bytes.buffer] : []);
      // As on the page's thread, the next part is read when the iteration asks for it.
      await new Promise<void>((resolve) => (job.next = resolve));
      if (job.controller.signal.aborted) return; // leaving the loop closes the Blob's stream
    }
    post({ type: 'done', id, result: await hashing.done() });
  } catch (error) {
    post({ type: 'error', id, error: serializeError(error) });
  } finally {
    jobs.delete(id);
  }
}

scope.addEventListener('message', (event) => {
  const request = event.data;
  const job = jobs.get(request.id);
  if (request.type === 'start') void run(request);
  else if (request.type === 'next') job?.next?.();
  else {
    job?.controller.abort(request.reason);
    job?.next?.();
  }
});
