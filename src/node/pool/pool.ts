// The worker threads: started on first need (as many as a call asks for, up to its cap), reused by
// every later call, and never keeping the process alive (a worker is ref'd only while it has a
// job). A worker that dies fails its jobs with ERR_WORKER_FAILED and is replaced on next use.
//
// Where the worker's code is: worker.ts, compiled like every other file, loaded as
// `new URL('./worker.js', import.meta.url)` — the form bundlers recognise. Run from the sources
// (vitest executes src/**/*.ts directly, and a worker thread on Node 20 cannot load TypeScript),
// this module's URL ends in .ts and there is no worker.js beside it: the built
// dist/node/pool/worker.js is used instead (`npm test` builds first: the `pretest` script). Both
// sides speak protocol.ts, so a stale build shows as failing tests, not as silent drift.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TreeHashError } from '../../core/errors.js';
import type { Job, Response, SerializedError } from './protocol.js';

function workerUrl(): URL {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new URL('./worker.js', here);
  const built = new URL('../../../dist/node/pool/worker.js', here);
  if (!existsSync(fileURLToPath(built))) {
    throw new TreeHashError('ERR_WORKER_FAILED', `the pool's worker runs from the build, ${fileURLToPath(built)}, which is missing: run npm run build`);
  }
  return built;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  onPartial?: ((value: unknown) => void) | undefined;
}

export interface PoolWorker {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  failure?: TreeHashError; // set once the worker failed
}

let workers: PoolWorker[] = [];
let nextId = 0;

/** The cores there are: os.availableParallelism(). */
export function cores(): number {
  return Math.max(1, availableParallelism());
}

/** @internal The pool's worker threads (none before first use); for tests. */
export function poolWorkers(): Worker[] {
  return workers.map((entry) => entry.worker);
}

/** Starts `count` workers now (they boot while the caller loads the rest of its code). */
export function warmPool(count = cores()): void {
  poolWorker(count - 1);
}

/** The pool's `index`th worker, starting workers up to it if needed. */
export function poolWorker(index: number): PoolWorker {
  while (workers.length <= index) workers.push(startWorker());
  return workers[index]!;
}

/** The parent's Node options, less --input-type (it applies to -e / stdin code, and a worker started from a file refuses it). */
function workerExecArgv(): string[] {
  const args: string[] = [];
  for (let i = 0; i < process.execArgv.length; i++) {
    const arg = process.execArgv[i]!;
    if (arg === '--input-type') i++;
    else if (!arg.startsWith('--input-type=')) args.push(arg);
  }
  return args;
}

function startWorker(): PoolWorker {
  const worker = new Worker(workerUrl(), { execArgv: workerExecArgv() });
  const entry: PoolWorker = { worker, pending: new Map() };
  worker.on('message', (message: Response | { id: number; partial: unknown }) => {
    const job = entry.pending.get(message.id);
    if (job === undefined) return;
    if ('partial' in message) {
      job.onPartial?.(message.partial);
      return;
    }
    entry.pending.delete(message.id);
    if (entry.pending.size === 0) worker.unref();
    if (message.ok) job.resolve(message.value);
    else job.reject(rebuildError(message.error));
  });
  const fail = (error: unknown): void => {
    // A broken worker is dropped; the next use starts a fresh one in its place.
    const at = workers.indexOf(entry);
    if (at >= 0) workers = workers.filter((other) => other !== entry);
    const cause = error instanceof Error ? error : new Error(`worker exited with code ${String(error)}`);
    entry.failure ??= new TreeHashError('ERR_WORKER_FAILED', `a hashing worker thread failed: ${cause.message}`, { cause });
    for (const job of entry.pending.values()) job.reject(entry.failure);
    entry.pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(code));
  // After the listeners: attaching a 'message' listener refs the worker's port again.
  worker.unref();
  return entry;
}

/**
 * Sends a job; resolves with its reply value, rejects with the job's error (rebuilt as a
 * TreeHashError where it was one) or ERR_WORKER_FAILED. `onPartial` receives the job's partial
 * messages. A job in flight keeps the process alive.
 */
export function post(target: PoolWorker, job: Job, onPartial?: (value: unknown) => void): Promise<unknown> {
  const id = nextId++;
  const done = new Promise<unknown>((resolve, reject) => {
    if (target.failure !== undefined) {
      reject(target.failure);
      return;
    }
    target.pending.set(id, { resolve, reject, onPartial });
    target.worker.ref();
    target.worker.postMessage({ id, job });
  });
  // Replies are awaited later, in order: a failure must not count as unhandled meanwhile.
  done.catch(() => undefined);
  return done;
}

/** A SerializedError back as an error: a TreeHashError with its code, its cause an Error with the fs fields. */
export function rebuildError(data: SerializedError): Error {
  const cause = data.cause === undefined ? undefined : Object.assign(new Error(data.cause.message), data.cause);
  if (data.code === undefined) return cause ?? new Error(data.message);
  return new TreeHashError(data.code, data.message, cause === undefined ? undefined : { cause });
}
