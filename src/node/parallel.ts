// Both cores, one read: bytes are read (or copied from a stream) once into reused slots of a
// SharedArrayBuffer; the main thread runs the linear SHA-256 over each slot as it fills (it is
// sequential by nature) while a small pool of worker threads hashes the slot's whole 1 MiB
// leaves with node:crypto and writes their digests back into the shared buffer. Digests are
// taken in order and pushed onto a tree-only TreeHasher's stack, so the tree is exactly the one
// the single-threaded path builds.
//
// The pool is started on first need, reused by every later call, and never keeps the process
// alive (a worker is ref'd only while it has a job). Inputs below PARALLEL_THRESHOLD never start it:
// their leaves are hashed on the main thread.
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DIGEST_LENGTH, LEAF_SIZE, MiB } from '../constants.js';
import { TreeHashError } from '../errors.js';
import { type Checksums, TreeHasher, type TreeHasherOptions } from '../hasher.js';
import type { TreeChecksum } from '../streaming.js';

/** Inputs at least this long spread their leaves over worker threads. */
export const PARALLEL_THRESHOLD = 8 * MiB;

// Two-MiB slots keep every job long enough (about 1 ms of hashing) to amortize a message, and
// eight of them keep both cores busy while the arena stays small (16 MiB, allocated once and reused).
const SLOT_SIZE = 2 * LEAF_SIZE;
const SLOT_COUNT = 8;
const DIGESTS_PER_SLOT = SLOT_SIZE / LEAF_SIZE;
const ARENA_BYTES = SLOT_COUNT * (SLOT_SIZE + DIGESTS_PER_SLOT * DIGEST_LENGTH);

// The worker is eval'd source: no file to locate at run time, whatever bundles this module. It
// uses dynamic import(), which works whether the eval is CommonJS (the default) or ESM (a parent
// started with --input-type=module passes that on); messages wait in the port until it listens.
const WORKER_SOURCE = `
Promise.all([import('node:worker_threads'), import('node:crypto')]).then(([{ parentPort }, { createHash }]) => {
  parentPort.on('message', ({ id, arena, offset, length, digests }) => {
    const bytes = new Uint8Array(arena);
    for (let at = 0, i = 0; at < length; at += ${LEAF_SIZE}, i++) {
      const leaf = bytes.subarray(offset + at, offset + Math.min(at + ${LEAF_SIZE}, length));
      bytes.set(createHash('sha256').update(leaf).digest(), digests + i * ${DIGEST_LENGTH});
    }
    parentPort.postMessage(id);
  });
});`;

interface PoolWorker {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve: () => void; reject: (error: unknown) => void }>;
}

let pool: PoolWorker[] | undefined;

/** @internal The pool's worker threads (none before first use); for tests. */
export function poolWorkers(): Worker[] {
  return pool?.map((entry) => entry.worker) ?? [];
}
let nextJobId = 0;

function poolSize(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

function startPool(): PoolWorker[] {
  const workers: PoolWorker[] = [];
  for (let i = 0; i < poolSize(); i++) {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    const entry: PoolWorker = { worker, pending: new Map() };
    worker.on('message', (id: number) => {
      const job = entry.pending.get(id);
      entry.pending.delete(id);
      if (entry.pending.size === 0) worker.unref();
      job?.resolve();
    });
    const fail = (error: unknown): void => {
      // A broken pool is dropped; the next call starts a fresh one.
      if (pool === workers) pool = undefined;
      const cause = error instanceof Error ? error : new Error(`worker exited with code ${String(error)}`);
      for (const job of entry.pending.values()) {
        job.reject(new TreeHashError('ERR_WORKER_FAILED', `a leaf-hashing worker thread failed: ${cause.message}`, { cause }));
      }
      entry.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(code));
    // After the listeners: attaching a 'message' listener refs the worker's port again.
    worker.unref();
    workers.push(entry);
  }
  return workers;
}

/**
 * Hashes the leaves of arena[offset, offset + length) into arena[digests…] on the least busy of
 * the first `workers` workers.
 */
function dispatch(arena: SharedArrayBuffer, offset: number, length: number, digests: number, workers: number): Promise<void> {
  pool ??= startPool();
  let target = pool[0]!;
  for (const entry of pool.slice(0, workers)) if (entry.pending.size < target.pending.size) target = entry;
  const id = nextJobId++;
  const done = new Promise<void>((resolve, reject) => {
    target.pending.set(id, { resolve, reject });
    target.worker.ref(); // a job in flight keeps the process alive until it is done
    target.worker.postMessage({ id, arena, offset, length, digests });
  });
  // Jobs are awaited in order, later: a failure must not count as unhandled meanwhile.
  done.catch(() => undefined);
  return done;
}

// One idle arena is kept for the next call: no allocation per read, nor per call in a loop.
let idleArena: SharedArrayBuffer | undefined;

interface Job {
  readonly slot: number;
  readonly length: number;
  readonly done: Promise<void> | undefined; // undefined: hashed on the main thread already
}

/** @internal A tree hash (and linear SHA-256) whose leaves are hashed by the worker pool. */
export class ParallelTreeHash {
  readonly #arena: SharedArrayBuffer;
  readonly #bytes: Uint8Array;
  readonly #linear: ReturnType<typeof createHash> | undefined;
  readonly #tree: TreeHasher;
  readonly #onLeaf: TreeHasherOptions['onLeaf'];
  readonly #parallel: boolean;
  readonly #free: number[] = [];
  readonly #jobs: Job[] = [];
  #slot = -1; // the slot being filled
  #fill = 0;
  #size = 0;
  #leaves = 0;

  /**
   * `expectedSize`: the input's length when known (0 when not: a stream's first
   * PARALLEL_THRESHOLD bytes are then hashed on this thread); below the threshold no worker is used.
   */
  constructor(options: { linear: boolean; onLeaf?: TreeHasherOptions['onLeaf'] }, expectedSize = 0) {
    this.#arena = idleArena ?? new SharedArrayBuffer(ARENA_BYTES);
    idleArena = undefined;
    this.#bytes = new Uint8Array(this.#arena);
    this.#linear = options.linear ? createHash('sha256') : undefined;
    // Only its stack is used (appendTreeHash), plus the one empty leaf of empty input, which it reports to onLeaf.
    this.#tree = new TreeHasher({ engine: 'wasm', ...(options.onLeaf ? { onLeaf: options.onLeaf } : {}) });
    this.#onLeaf = options.onLeaf;
    this.#parallel = expectedSize >= PARALLEL_THRESHOLD;
    for (let slot = SLOT_COUNT - 1; slot >= 0; slot--) this.#free.push(slot);
  }

  /** The free part of the slot being filled; write into it, then call commit(). Waits for a slot if all are busy. */
  async writable(): Promise<Uint8Array> {
    if (this.#slot < 0) {
      if (this.#free.length === 0) await this.#collect();
      this.#slot = this.#free.pop()!;
      this.#fill = 0;
    }
    const start = this.#slot * SLOT_SIZE;
    return this.#bytes.subarray(start + this.#fill, start + SLOT_SIZE);
  }

  /** Accounts for `length` bytes written into writable(). */
  commit(length: number): void {
    this.#fill += length;
    this.#size += length;
    if (this.#fill === SLOT_SIZE) this.#submit();
  }

  /** Copies `bytes` in (for streams, whose chunks are not ours to keep). */
  async update(bytes: Uint8Array): Promise<void> {
    for (let offset = 0; offset < bytes.length; ) {
      const window = await this.writable();
      const n = Math.min(window.length, bytes.length - offset);
      window.set(bytes.subarray(offset, offset + n));
      offset += n;
      this.commit(n);
    }
  }

  #submit(): void {
    const slot = this.#slot;
    const length = this.#fill;
    this.#slot = -1;
    if (length === 0) {
      this.#free.push(slot);
      return;
    }
    const offset = slot * SLOT_SIZE;
    // The linear hash runs here, on the main thread, while workers hash earlier slots' leaves.
    this.#linear?.update(this.#bytes.subarray(offset, offset + length));
    const digests = SLOT_COUNT * SLOT_SIZE + slot * DIGESTS_PER_SLOT * DIGEST_LENGTH;
    // Small inputs (and a stream's first few MiB) stay on this thread.
    if (!this.#parallel && this.#size < PARALLEL_THRESHOLD) {
      for (let at = 0, i = 0; at < length; at += LEAF_SIZE, i++) {
        const leaf = this.#bytes.subarray(offset + at, offset + Math.min(at + LEAF_SIZE, length));
        this.#bytes.set(createHash('sha256').update(leaf).digest(), digests + i * DIGEST_LENGTH);
      }
      this.#jobs.push({ slot, length, done: undefined });
      return;
    }
    // With the linear hash this thread is one core's worth of work already: leaves get the rest.
    const workers = this.#linear ? Math.max(1, poolSize() - 1) : poolSize();
    this.#jobs.push({ slot, length, done: dispatch(this.#arena, offset, length, digests, workers) });
  }

  /** Waits for the oldest job and pushes its leaf digests, in order; its slot becomes free. */
  async #collect(): Promise<void> {
    const job = this.#jobs.shift()!;
    await job.done;
    const digests = SLOT_COUNT * SLOT_SIZE + job.slot * DIGESTS_PER_SLOT * DIGEST_LENGTH;
    for (let at = 0, i = 0; at < job.length; at += LEAF_SIZE, i++) {
      const digest = this.#bytes.subarray(digests + i * DIGEST_LENGTH, digests + (i + 1) * DIGEST_LENGTH);
      this.#tree.appendTreeHash(digest, Math.min(LEAF_SIZE, job.length - at));
      this.#onLeaf?.(digest.slice(), this.#leaves);
      this.#leaves++;
    }
    this.#free.push(job.slot);
  }

  /** Finishes; the arena is kept for the next call. */
  async finish(): Promise<Checksums | TreeChecksum> {
    if (this.#slot >= 0) this.#submit();
    while (this.#jobs.length > 0) await this.#collect();
    idleArena = this.#arena;
    const size = this.#size;
    const treeHash = this.#tree.digest();
    return this.#linear ? { size, treeHash, sha256: new Uint8Array(this.#linear.digest()) } : { size, treeHash };
  }

  /** Gives up: waits for jobs in flight (workers may still write to the arena), keeps nothing. */
  async abandon(): Promise<void> {
    await Promise.allSettled(this.#jobs.map((job) => job.done));
  }
}
