// hashBlob and hashBlobParts in a dedicated Web Worker (`{ worker: true }`): one worker, started
// from this module's own URL on first use and shared by every call (jobs are told apart by id), so
// the page's main thread only posts the Blob (a handle, not its bytes) and receives progress,
// parts and the result.
import { TreeHashError, describeValue } from '../core/errors.js';
import { encodeState } from '../core/saved-state.js';
import { STATE_SEAL } from '../kernel/state.js';
import { checkEngine } from '../hash/engine.js';
import type { Checksums } from '../hash/tree-hasher.js';
import { throwIfAborted } from '../stream/abort.js';
import type { HashStreamOptions, TreeChecksum } from '../stream/chunks.js';
import { type ProgressCallback, checkProgressCallback } from '../stream/progress.js';
import { PartIteration, partStateFields } from '../upload/run.js';
import type { HashPartsOptions, MultipartChecksums, PartChecksums, PartHashing } from '../upload/types.js';
import { type PartStateRecords, type SerializedError, type WorkerReply, type WorkerRequest, deserializeError } from './worker-protocol.js';

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

/**
 * @internal The options of `given` named in `keys` that travel to the worker, checked here first
 * (callbacks stay on this side; one that cannot cross is refused).
 */
function workerOptions(given: HashStreamOptions | HashPartsOptions, keys: readonly string[]): Record<string, unknown> {
  const options = given as HashStreamOptions & HashPartsOptions;
  if (options.onLeaf !== undefined) {
    throw new TreeHashError('ERR_INVALID_OPTION', 'onLeaf cannot be used with { worker: true }: leaf digests are not sent back from the worker');
  }
  if (options.linear !== undefined && typeof options.linear !== 'boolean') {
    throw new TreeHashError('ERR_INVALID_OPTION', `linear must be a boolean with { worker: true }, got ${describeValue(options.linear)}`);
  }
  checkProgressCallback(options.onProgress);
  const travelling: Record<string, unknown> = { engine: checkEngine(options.engine) };
  for (const key of keys) if (options[key as keyof typeof options] !== undefined) travelling[key] = options[key as keyof typeof options];
  return travelling;
}

type Outcome = Extract<WorkerReply, { type: 'part' | 'done' }>;

/**
 * A job in the shared worker, stepped by {@link next}: each call gets the next part or the result.
 * Progress reports go to `onProgress` in order, the final one before the last part or the result;
 * what `onProgress` throws ends the job with that value; `signal` aborts it there (`ERR_ABORTED`,
 * as on this thread, and no progress is reported after); {@link stop} ends it quietly.
 */
class WorkerJob {
  readonly #id = nextId++;
  readonly #worker: Worker;
  readonly #start: WorkerRequest;
  readonly #signal: AbortSignal | undefined;
  readonly #onProgress: ProgressCallback | undefined;
  #waiting: { resolve(outcome: Outcome): void; reject(error: unknown): void } | undefined;
  #started = false;
  #ended: { error: unknown } | undefined; // set once the job is over here (its error, if it failed)
  /** What `onProgress` threw, if it did. */
  callbackError: { error: unknown } | undefined;

  constructor(job: 'hashBlob' | 'hashBlobParts', blob: Blob, options: Record<string, unknown>, given: { signal?: AbortSignal; onProgress?: ProgressCallback }) {
    this.#worker = startWorker();
    this.#signal = given.signal;
    this.#onProgress = given.onProgress;
    this.#start = { type: 'start', id: this.#id, job, blob, options, progress: given.onProgress !== undefined };
  }

  next(): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      if (this.#ended !== undefined) return reject(this.#ended.error);
      this.#waiting = { resolve, reject };
      if (this.#started) return this.#worker.postMessage({ type: 'next', id: this.#id } satisfies WorkerRequest);
      this.#started = true;
      try {
        throwIfAborted(this.#signal);
      } catch (error) {
        return this.#end(error);
      }
      pending.set(this.#id, (reply) => this.#reply(reply));
      this.#signal?.addEventListener('abort', this.#onAbort);
      this.#worker.postMessage(this.#start);
    });
  }

  /** Ends the job in the worker too, if it runs (an early stop of the iteration). */
  stop(): void {
    if (this.#started && this.#ended === undefined) this.#end(undefined, 'stopped');
  }

  readonly #onAbort = (): void => {
    this.#end(new TreeHashError('ERR_ABORTED', 'hashing was aborted', { cause: this.#signal!.reason }), this.#signal!.reason);
  };

  #reply(reply: WorkerReply): void {
    if (reply.type === 'progress') {
      try {
        this.#onProgress?.({ bytes: reply.bytes, total: reply.total });
      } catch (error) {
        this.callbackError = { error };
        this.#end(error, 'onProgress threw');
      }
      return;
    }
    if (reply.type === 'error') return this.#end(deserializeError(reply.error));
    if (reply.type === 'done') this.#end(undefined);
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.resolve(reply);
  }

  /** The job is over here: with `abort`, tells the worker to stop it (the reason, when it can be cloned); `error` rejects a waiting step. */
  #end(error: unknown, ...abort: [unknown] | []): void {
    this.#ended = { error };
    pending.delete(this.#id);
    this.#signal?.removeEventListener('abort', this.#onAbort);
    if (abort.length > 0) {
      let reason = abort[0];
      try {
        structuredClone(reason);
      } catch {
        reason = String(reason);
      }
      this.#worker.postMessage({ type: 'abort', id: this.#id, reason } satisfies WorkerRequest);
    }
    if (error === undefined) return;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(error);
  }
}

/** @internal hashBlob in the shared worker (see {@link WorkerJob} for progress, abort and errors). */
export async function hashBlobInWorker(blob: Blob, options: HashStreamOptions): Promise<Checksums | TreeChecksum> {
  const job = new WorkerJob('hashBlob', blob, workerOptions(options, ['linear']), options);
  return ((await job.next()) as { result: Checksums | TreeChecksum }).result;
}

/** The parts as the worker hashes them, each with the state save() gives right after it on this thread. */
class WorkerPartHashing extends PartIteration {
  readonly start: number;
  readonly #job: WorkerJob;
  readonly #partSize: number;
  /** The part tree hashes save() lists: the resumed or restored ones, then each part yielded. */
  readonly #partTreeHashes: Uint8Array[];
  /** The state's kernel records after the part last yielded (before the first: the start's), or what save() throws there. */
  #records: PartStateRecords | { error: SerializedError };

  constructor(job: WorkerJob, checked: PartHashing) {
    super();
    this.#job = job;
    this.start = checked.start;
    const { partSize, partTreeHashes, part, whole } = partStateFields(checked);
    this.#partSize = partSize;
    this.#partTreeHashes = [...partTreeHashes];
    this.#records = { part, whole };
  }

  protected async *parts(): AsyncGenerator<PartChecksums, MultipartChecksums, undefined> {
    try {
      for (;;) {
        const outcome = await this.#job.next();
        if (outcome.type === 'done') return outcome.result as MultipartChecksums;
        this.#partTreeHashes.push(outcome.part.treeHash.slice()); // a copy: the caller may change the one it is given
        this.#records = outcome.state;
        yield outcome.part;
      }
    } finally {
      this.#job.stop(); // `break`: the worker stops reading too
    }
  }

  protected callbackThrew(error: unknown): boolean {
    return this.#job.callbackError?.error === error;
  }

  /** Sealed here, only when asked: the same bytes as the worker's save() (the tests compare them). */
  protected state(): Uint8Array {
    const records = this.#records;
    if ('error' in records) throw deserializeError(records.error);
    return encodeState({ kind: 'part', partSize: this.#partSize, partTreeHashes: this.#partTreeHashes, ...records }, STATE_SEAL);
  }
}

/** The part options that travel to the worker (besides engine and linear). */
const PART_OPTIONS = ['linear', 'partSize', 'resumeFrom', 'restore', 'keepBytes', 'savePoint'];

/**
 * @internal hashBlobParts in the shared worker. `checked` is the call on this thread, made (not
 * started) for its checks and its `start`. save() follows the parts this iteration has yielded, so
 * it is refused where this thread's save() would follow the bytes read instead (savePoint 'byte',
 * and a restored state inside a part).
 */
export function hashBlobPartsInWorker(blob: Blob, options: HashPartsOptions, checked: PartHashing): PartHashing {
  const travelling = workerOptions(options, PART_OPTIONS);
  if (options.savePoint === 'byte') {
    throw new TreeHashError(
      'ERR_INVALID_OPTION',
      "savePoint 'byte' cannot be used with { worker: true }: save() there is the state after the part last yielded; use savePoint 'part' (the default)",
    );
  }
  if (checked.start % options.partSize !== 0) {
    throw new TreeHashError(
      'ERR_INVALID_OPTION',
      `with { worker: true }, restore needs a state saved at a part boundary, but this one is at byte ${checked.start}: restore it without the worker`,
    );
  }
  return new WorkerPartHashing(new WorkerJob('hashBlobParts', blob, travelling, options), checked);
}
