// Both cores, one read: bytes are read (or copied from a stream) once into reused slots of a
// SharedArrayBuffer; the main thread runs the linear SHA-256 over each slot as it fills (it is
// sequential by nature) while a small pool of worker threads hashes the slot's whole 1 MiB
// leaves — with node:crypto, or with the Wasm kernel for engines 'wasm' / 'wasm-scalar' (4 MiB
// slots, so the SIMD build gets four whole leaves at once) — and writes their digests back into
// the shared buffer. Digests are
// taken in order and pushed onto a tree-only TreeHasher's stack, so the tree is exactly the one
// the single-threaded path builds.
//
// The pool is started on first need, reused by every later call, and never keeps the process
// alive (a worker is ref'd only while it has a job). Inputs below PARALLEL_THRESHOLD never start it:
// their leaves are hashed on the main thread.
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DIGEST_LENGTH, LEAF_SIZE, MiB } from '../core/constants.js';
import { TreeHashError } from '../core/errors.js';
import { type LinearHash, resolveEngine } from '../hash/engine.js';
import { createLinearSha256 } from '../hash/linear.js';
import { sha256 } from '../hash/one-shot.js';
import { type Checksums, KernelTreeHasher as TreeHasher, type TreeHasherOptions } from '../hash/tree-hasher.js';
import { kernelModule } from '../kernel/wasm.js';
import type { TreeChecksum } from '../stream/chunks.js';
import { nodeSha256 } from './crypto.js';
import type { WorkerHash } from './worker-hash.js';

/** Inputs at least this long spread their leaves over worker threads. */
export const PARALLEL_THRESHOLD = 8 * MiB;

// node:crypto: two-MiB slots keep every job long enough (about 1 ms of hashing) to amortize a
// message, and eight of them keep both cores busy while the arena stays small (16 MiB, allocated
// once and reused). Wasm: four 4 MiB slots (four leaves per job for the SIMD build), also 16 MiB.
interface Layout {
  readonly slotSize: number;
  readonly slotCount: number;
}
const NATIVE_LAYOUT: Layout = { slotSize: 2 * LEAF_SIZE, slotCount: 8 };
const WASM_LAYOUT: Layout = { slotSize: 4 * LEAF_SIZE, slotCount: 4 };
// After the slots and their leaf digests: one spare digest, where the worker writes a WorkerHash's.
const arenaBytes = ({ slotSize, slotCount }: Layout): number => slotCount * (slotSize + (slotSize / LEAF_SIZE) * DIGEST_LENGTH) + DIGEST_LENGTH;

// The worker is eval'd source: no file to locate at run time, whatever bundles this module. It
// uses dynamic import(), which works whether the eval is CommonJS (the default) or ESM (a parent
// started with --input-type=module passes that on); messages wait in the port until it listens.
// A job with a \`stream\` number feeds that stream's hash instead (kept here between jobs, in
// message order; \`algorithm\`, a node:crypto name, defaults to sha256): the whole-file hash of
// hashFileParts, the per-part SHA-256 and MD5 of src/node/s3.ts; \`final\` writes its digest at
// \`digests\` (or, at -1, just drops it).
const NATIVE_WORKER = `
Promise.all([import('node:worker_threads'), import('node:crypto')]).then(([{ parentPort }, { createHash }]) => {
  const streams = new Map();
  parentPort.on('message', ({ id, arena, offset, length, digests, stream, final, algorithm }) => {
    const bytes = new Uint8Array(arena);
    if (stream !== undefined) {
      let hash = streams.get(stream);
      if (hash === undefined) streams.set(stream, (hash = createHash(algorithm ?? 'sha256')));
      if (length > 0) hash.update(bytes.subarray(offset, offset + length));
      if (final) {
        streams.delete(stream);
        if (digests >= 0) bytes.set(hash.digest(), digests);
      }
      parentPort.postMessage(id);
      return;
    }
    for (let at = 0, i = 0; at < length; at += ${LEAF_SIZE}, i++) {
      const leaf = bytes.subarray(offset + at, offset + Math.min(at + ${LEAF_SIZE}, length));
      bytes.set(createHash('sha256').update(leaf).digest(), digests + i * ${DIGEST_LENGTH});
    }
    parentPort.postMessage(id);
  });
});`;

// The Wasm kernel in a worker: the module comes compiled in workerData; each job's bytes are
// copied into the instance's input window and absorbed as a tree (the linear hash is the main
// thread's); whole leaves' digests are at leafDigestsPtr(), and a partial last leaf is finished.
const WASM_WORKER = `
import('node:worker_threads').then(({ parentPort, workerData }) => {
  const kernel = new WebAssembly.Instance(workerData.module, { env: { abort() { throw new Error('kernel abort'); } } }).exports;
  const memory = new Uint8Array(kernel.memory.buffer);
  const input = kernel.inputPtr();
  const leafDigests = kernel.leafDigestsPtr();
  parentPort.on('message', ({ id, arena, offset, length, digests }) => {
    const bytes = new Uint8Array(arena);
    kernel.init(0);
    memory.set(bytes.subarray(offset, offset + length), input);
    const whole = kernel.absorbTree(0, length);
    bytes.set(memory.subarray(leafDigests, leafDigests + whole * ${DIGEST_LENGTH}), digests);
    if (length % ${LEAF_SIZE} !== 0) {
      kernel.finish();
      bytes.set(memory.subarray(leafDigests, leafDigests + ${DIGEST_LENGTH}), digests + whole * ${DIGEST_LENGTH});
    }
    parentPort.postMessage(id);
  });
});`;

/** @internal One worker of a pool and its jobs in flight. */
export interface PoolWorker {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve: () => void; reject: (error: unknown) => void }>;
  failure?: TreeHashError; // set once the worker failed: a stream it held is lost
}

/** Which code the workers run: node:crypto, or one of the Wasm builds. */
export type PoolKind = 'native' | 'simd' | 'scalar';
const pools: Partial<Record<PoolKind, PoolWorker[]>> = {};

/** @internal The worker threads of one pool (none before first use); for tests. */
export function poolWorkers(kind: PoolKind = 'native'): Worker[] {
  return pools[kind]?.map((entry) => entry.worker) ?? [];
}
let nextJobId = 0;

function poolSize(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

function startPool(kind: PoolKind): PoolWorker[] {
  const workers: PoolWorker[] = [];
  for (let i = 0; i < poolSize(); i++) {
    const worker =
      kind === 'native'
        ? new Worker(NATIVE_WORKER, { eval: true })
        : new Worker(WASM_WORKER, { eval: true, workerData: { module: kernelModule(kind === 'simd') } });
    const entry: PoolWorker = { worker, pending: new Map() };
    worker.on('message', (id: number) => {
      const job = entry.pending.get(id);
      entry.pending.delete(id);
      if (entry.pending.size === 0) worker.unref();
      job?.resolve();
    });
    const fail = (error: unknown): void => {
      // A broken pool is dropped; the next call starts a fresh one.
      if (pools[kind] === workers) delete pools[kind];
      const cause = error instanceof Error ? error : new Error(`worker exited with code ${String(error)}`);
      entry.failure ??= new TreeHashError('ERR_WORKER_FAILED', `a hashing worker thread failed: ${cause.message}`, { cause });
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
function dispatch(kind: PoolKind, arena: SharedArrayBuffer, offset: number, length: number, digests: number, workers: number): Promise<void> {
  const pool = (pools[kind] ??= startPool(kind));
  let target = pool[0]!;
  for (const entry of pool.slice(0, workers)) if (entry.pending.size < target.pending.size) target = entry;
  return post(target, { arena, offset, length, digests });
}

/** @internal The native pool's workers (started on first need): where worker-held hashes live (worker-hash.ts). */
export function nativePool(): PoolWorker[] {
  return (pools.native ??= startPool('native'));
}

/** @internal Sends a job to one worker; resolves when it is done, rejects with ERR_WORKER_FAILED if the worker fails. */
export function post(target: PoolWorker, job: Record<string, unknown>): Promise<void> {
  const id = nextJobId++;
  const done = new Promise<void>((resolve, reject) => {
    if (target.failure !== undefined) {
      reject(target.failure);
      return;
    }
    target.pending.set(id, { resolve, reject });
    target.worker.ref(); // a job in flight keeps the process alive until it is done
    target.worker.postMessage({ id, ...job });
  });
  // Jobs are awaited in order, later: a failure must not count as unhandled meanwhile.
  done.catch(() => undefined);
  return done;
}

/**
 * @internal Something else that reads every slot, in input order, while it is in the arena
 * (src/node/s3.ts: each part's SHA-256 and MD5 in workers, the CRCs on this thread). Called as the
 * slot is submitted; the slot is not reused until the promise settles.
 */
export type SlotReader = (arena: SharedArrayBuffer, offset: number, length: number) => Promise<void> | undefined;

// One idle arena is kept for the next call: no allocation per read, nor per call in a loop
// (both layouts are the same size).
let idleArena: SharedArrayBuffer | undefined;

interface Job {
  readonly slot: number;
  readonly length: number;
  readonly done: Promise<void> | undefined; // undefined: hashed on the main thread already
  readonly whole: Promise<void> | undefined; // the slot fed to a WorkerHash (and the onSlot reader)
  settled: boolean; // done has settled (or there is none)
}

interface Retiring {
  readonly slot: number;
  readonly whole: Promise<void>;
  settled: boolean;
}

/** Sets `entry.settled` once `promise` settles (either way: the error is thrown where it is awaited). */
function track(entry: { settled: boolean }, promise: Promise<void> | undefined): void {
  if (promise === undefined) entry.settled = true;
  else promise.then(() => (entry.settled = true), () => (entry.settled = true));
}

/** @internal A tree hash (and linear SHA-256) whose leaves are hashed by the worker pool. */
export class ParallelTreeHash {
  readonly #arena: SharedArrayBuffer;
  readonly #bytes: Uint8Array;
  readonly #kind: PoolKind;
  readonly #slotSize: number;
  readonly #slotCount: number;
  #linear: LinearHash | undefined;
  readonly #linearFactory: (() => LinearHash) | undefined;
  #tree: TreeHasher;
  readonly #whole: WorkerHash | undefined;
  readonly #onSlot: SlotReader | undefined;
  readonly #retiring: Retiring[] = []; // slots whose leaves are collected, still read by the whole hash
  readonly #onLeaf: TreeHasherOptions['onLeaf'];
  readonly #onHashed: ((length: number) => void) | undefined;
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
   * `onHashed(length)`: called as each slot's bytes are fully hashed (their leaf digests in the
   * tree, after onLeaf, and in the linear SHA-256), in input order; what it throws is thrown from
   * the writable() / update() / finish() that got there.
   */
  constructor(
    options: {
      linear: boolean;
      onLeaf?: TreeHasherOptions['onLeaf'];
      onHashed?: ((length: number) => void) | undefined;
      engine?: 'native' | 'wasm' | 'wasm-scalar';
      /** Also feed every slot to this worker-held SHA-256 (engine 'native' only); see {@link cut} and {@link close}. */
      whole?: WorkerHash;
      /** Also give every slot to this reader (see {@link SlotReader}); leaves then keep off the last worker, as with `whole`. */
      onSlot?: SlotReader;
    },
    expectedSize = 0,
  ) {
    const engine = options.engine ?? 'native';
    this.#kind = resolveEngine(engine, 'unsaved', nodeSha256).leaves;
    const layout = this.#kind === 'native' ? NATIVE_LAYOUT : WASM_LAYOUT;
    this.#slotSize = layout.slotSize;
    this.#slotCount = layout.slotCount;
    this.#arena = idleArena ?? new SharedArrayBuffer(arenaBytes(layout));
    idleArena = undefined;
    this.#bytes = new Uint8Array(this.#arena);
    if (!options.linear) this.#linearFactory = undefined;
    else if (this.#kind !== 'native') this.#linearFactory = createLinearSha256;
    else this.#linearFactory = nodeSha256;
    this.#linear = this.#linearFactory?.();
    this.#whole = options.whole;
    this.#onSlot = options.onSlot;
    // Only its stack is used (appendTreeHash), plus the one empty leaf of empty input, which it reports to onLeaf.
    this.#tree = new TreeHasher({ engine: 'wasm', ...(options.onLeaf ? { onLeaf: options.onLeaf } : {}) });
    this.#onLeaf = options.onLeaf;
    this.#onHashed = options.onHashed;
    this.#parallel = expectedSize >= PARALLEL_THRESHOLD;
    for (let slot = this.#slotCount - 1; slot >= 0; slot--) this.#free.push(slot);
  }

  /** The free part of the slot being filled; write into it, then call commit(). Waits for a slot if all are busy. */
  async writable(): Promise<Uint8Array> {
    if (this.#slot < 0) {
      // A slot is free once its leaves are collected and the whole hash (if any) is done with it:
      // take whichever comes first, so that neither waits behind the other.
      while (this.#free.length === 0) {
        const job = this.#jobs[0];
        const retiring = this.#retiring[0];
        if (retiring?.settled) await this.#retire();
        else if (job?.settled) await this.#collect();
        else if (job === undefined) await this.#retire();
        else if (retiring === undefined) await this.#collect();
        else await Promise.race([job.done, retiring.whole]).catch(() => undefined);
      }
      this.#slot = this.#free.pop()!;
      this.#fill = 0;
    }
    const start = this.#slot * this.#slotSize;
    return this.#bytes.subarray(start + this.#fill, start + this.#slotSize);
  }

  /** Accounts for `length` bytes written into writable(). */
  commit(length: number): void {
    this.#fill += length;
    this.#size += length;
    if (this.#fill === this.#slotSize) this.#submit();
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
    const offset = slot * this.#slotSize;
    // Sent first: its worker starts while this thread runs the linear hash.
    const wholeHash = this.#whole?.update(this.#arena, offset, length);
    const reader = this.#onSlot?.(this.#arena, offset, length);
    const whole = wholeHash && reader ? Promise.all([wholeHash, reader]).then(() => undefined) : (wholeHash ?? reader);
    whole?.catch(() => undefined); // awaited in order, later (#retire): a failure must not count as unhandled meanwhile
    // The linear hash runs here, on the main thread, while workers hash earlier slots' leaves.
    this.#linear?.update(this.#bytes.subarray(offset, offset + length));
    const digests = this.#digestsOf(slot);
    // Small inputs (and a stream's first few MiB) stay on this thread.
    if (!this.#parallel && this.#size < PARALLEL_THRESHOLD) {
      const engine = this.#kind === 'native' ? 'native' : this.#kind === 'simd' ? 'wasm' : 'wasm-scalar';
      for (let at = 0, i = 0; at < length; at += LEAF_SIZE, i++) {
        const leaf = this.#bytes.subarray(offset + at, offset + Math.min(at + LEAF_SIZE, length));
        this.#bytes.set(engine === 'native' ? createHash('sha256').update(leaf).digest() : sha256(leaf, { engine }), digests + i * DIGEST_LENGTH);
      }
      this.#jobs.push({ slot, length, done: undefined, whole, settled: true });
      return;
    }
    // With the linear hash this thread is one core's worth of work already: leaves get the rest.
    // The whole hash's worker is the pool's last: leaves go to the others while there are others.
    const workers = this.#linear || this.#whole || this.#onSlot ? Math.max(1, poolSize() - 1) : poolSize();
    const job: Job = { slot, length, done: dispatch(this.#kind, this.#arena, offset, length, digests, workers), whole, settled: false };
    track(job, job.done);
    this.#jobs.push(job);
  }

  /** Where a slot's leaf digests go: after all the slots. */
  #digestsOf(slot: number): number {
    return this.#slotCount * this.#slotSize + slot * (this.#slotSize / LEAF_SIZE) * DIGEST_LENGTH;
  }

  /** Waits for the oldest job and pushes its leaf digests, in order; its slot becomes free. */
  async #collect(): Promise<void> {
    const job = this.#jobs.shift()!;
    await job.done;
    const digests = this.#digestsOf(job.slot);
    for (let at = 0, i = 0; at < job.length; at += LEAF_SIZE, i++) {
      const digest = this.#bytes.subarray(digests + i * DIGEST_LENGTH, digests + (i + 1) * DIGEST_LENGTH);
      this.#tree.appendTreeHash(digest, Math.min(LEAF_SIZE, job.length - at));
      this.#onLeaf?.(digest.slice(), this.#leaves);
      this.#leaves++;
    }
    if (job.whole === undefined) this.#free.push(job.slot);
    else {
      const entry: Retiring = { slot: job.slot, whole: job.whole, settled: false };
      track(entry, job.whole);
      this.#retiring.push(entry);
    }
    this.#onHashed?.(job.length);
  }

  /** Waits for the whole hash to be done with the oldest slot it still reads; the slot becomes free. */
  async #retire(): Promise<void> {
    const { slot, whole } = this.#retiring.shift()!;
    await whole;
    this.#free.push(slot);
  }

  /**
   * The checksums of the bytes since the last cut (or the start), once they are all in the tree and
   * the linear hash; then starts afresh for the next bytes, keeping the slots (the whole hash may
   * still be reading some).
   */
  async cut(): Promise<Checksums> {
    if (this.#slot >= 0) this.#submit();
    while (this.#jobs.length > 0) await this.#collect();
    const size = this.#size;
    const treeHash = this.#tree.digest();
    const sha256 = this.#linear?.digest() ?? new Uint8Array(0);
    this.#tree = new TreeHasher({ engine: 'wasm', ...(this.#onLeaf ? { onLeaf: this.#onLeaf } : {}) });
    this.#linear = this.#linearFactory?.();
    this.#size = 0;
    this.#leaves = 0;
    return { size, treeHash, sha256 };
  }

  /** After the last {@link cut}: the whole hash's digest; the arena is kept for the next call. */
  async close(): Promise<Uint8Array | undefined> {
    while (this.#retiring.length > 0) await this.#retire();
    const digest = await this.#whole?.digest(this.#arena, this.#arena.byteLength - DIGEST_LENGTH);
    this.#tree.digest(); // gives its kernel instance back
    idleArena = this.#arena;
    return digest;
  }

  /** Finishes; the arena is kept for the next call. */
  async finish(): Promise<Checksums | TreeChecksum> {
    if (this.#slot >= 0) this.#submit();
    while (this.#jobs.length > 0) await this.#collect();
    while (this.#retiring.length > 0) await this.#retire();
    idleArena = this.#arena;
    const size = this.#size;
    const treeHash = this.#tree.digest();
    return this.#linear ? { size, treeHash, sha256: this.#linear.digest() } : { size, treeHash };
  }

  /** Gives up: waits for jobs in flight (workers may still write to the arena), keeps nothing. */
  async abandon(): Promise<void> {
    await Promise.allSettled([...this.#jobs.flatMap((job) => [job.done, job.whole]), ...this.#retiring.map((entry) => entry.whole)]);
    await this.#whole?.drop();
  }
}
