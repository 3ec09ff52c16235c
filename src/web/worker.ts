// The hashing worker: a dedicated Web Worker that runs hashBlob off the page's main thread. The
// page starts it from the library's own module (src/web/worker-client.ts, with `{ worker: true }`).
// Progress comes back as messages; an abort from the page aborts the job here.
import { hashBlob } from './streams.js';
import { type WorkerReply, type WorkerRequest, serializeError } from './worker-protocol.js';

interface WorkerScope {
  postMessage(message: WorkerReply): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerRequest>) => void): void;
}
const scope = globalThis as unknown as WorkerScope;
const jobs = new Map<number, AbortController>();

function post(message: WorkerReply): void {
  try {
    scope.postMessage(message);
  } catch {
    // An error whose cause cannot be cloned after all: send it without the cause.
    if (message.type === 'error') scope.postMessage({ ...message, error: { ...message.error, cause: String(message.error.cause) } });
  }
}

async function hash(request: Extract<WorkerRequest, { type: 'hashBlob' }>): Promise<void> {
  const { id } = request;
  const controller = new AbortController();
  jobs.set(id, controller);
  try {
    const options = {
      ...request.options,
      signal: controller.signal,
      ...(request.progress
        ? { onProgress: ({ bytes, total }: { bytes: number; total: number | undefined }) => post({ type: 'progress', id, bytes, total }) }
        : {}),
    };
    post({ type: 'done', id, result: await hashBlob(request.blob, options) });
  } catch (error) {
    post({ type: 'error', id, error: serializeError(error) });
  } finally {
    jobs.delete(id);
  }
}

scope.addEventListener('message', (event) => {
  const request = event.data;
  if (request.type === 'hashBlob') void hash(request);
  else if (request.type === 'abort') jobs.get(request.id)?.abort(request.reason);
});
