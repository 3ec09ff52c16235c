// The pool's worker thread (started by pool.ts from the built file, dist/node/pool/worker.js).
// Jobs arrive one at a time as { id, job }; each kind has a handler below, and the reply is
// { id, ok, value | error }. A job may also send { id, partial } messages before its reply (the
// files job's batches). Adding a kind of job: a handler here, its message type in protocol.ts.
import { parentPort } from 'node:worker_threads';
import { TreeHashError } from '../../core/errors.js';
import { type FilesJob, type PackedBatch, runFilesJob } from './files-job.js';
import { dropRun, participate } from './participant.js';
import type { DropJob, Request, Response, RunJob, SerializedError } from './protocol.js';

if (parentPort === null) throw new Error('worker.js runs as a worker thread of the glacier-treehash pool');
const port = parentPort;

/** An error as data: its TreeHashError code and message, and its fs cause's code, path and message. */
function serialize(error: unknown): SerializedError {
  const cause = error instanceof TreeHashError ? error.cause : error;
  const fsCause = cause as { code?: unknown; message?: unknown; path?: unknown; syscall?: unknown; errno?: unknown } | undefined;
  return {
    ...(error instanceof TreeHashError ? { code: error.code } : {}),
    message: error instanceof Error ? error.message : String(error),
    ...(cause !== undefined && cause !== null && typeof cause === 'object'
      ? {
          cause: {
            message: String(fsCause?.message ?? ''),
            ...(typeof fsCause?.code === 'string' ? { code: fsCause.code } : {}),
            ...(typeof fsCause?.path === 'string' ? { path: fsCause.path } : {}),
            ...(typeof fsCause?.syscall === 'string' ? { syscall: fsCause.syscall } : {}),
            ...(typeof fsCause?.errno === 'number' ? { errno: fsCause.errno } : {}),
          },
        }
      : {}),
  };
}

type Handler = (job: never, id: number) => unknown;
const handlers: Record<string, Handler> = {
  run: (job: RunJob) => participate(job, serialize),
  drop: (job: DropJob) => dropRun(job.run),
  files: (job: FilesJob, id: number) =>
    runFilesJob(
      job,
      (batch: PackedBatch) =>
        port.postMessage({ id, partial: batch }, [batch.indexes.buffer as ArrayBuffer, batch.sizes.buffer as ArrayBuffer, batch.digests.buffer as ArrayBuffer]),
      serialize,
    ),
};

// Jobs run one after another (a run blocks this thread until it leaves), in the order they came.
let queue: Promise<void> = Promise.resolve();
port.on('message', ({ id, job }: Request) => {
  queue = queue.then(async () => {
    let response: Response;
    try {
      const handler = handlers[job.kind];
      if (handler === undefined) throw new Error(`unknown job kind ${JSON.stringify(job.kind)}`);
      response = { id, ok: true, value: await handler(job as never, id) };
    } catch (error) {
      response = { id, ok: false, error: serialize(error) };
    }
    port.postMessage(response);
  });
});
