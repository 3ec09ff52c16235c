// Both cores, one read (or every core): the tree hash and linear SHA-256 of a file or stream,
// through a run (run.ts, protocol.ts). The main thread runs the linear SHA-256 over each slot as
// it fills (it is sequential by nature) and collects the workers' leaf digests in order onto a
// tree-only TreeHasher's stack, so the tree is exactly the one the single-threaded path builds.
//
// Files (fd mode): nothing is read by the main thread's event loop and nothing is copied. Every
// slot is read with a positional readSync straight into the shared arena by whichever thread is
// free first — usually the leaf worker, and the main thread whenever it is waiting for bytes to
// hash — so that reading is spread over the cores as the hashing leaves room. Tree only, the
// worker that reads a slot hashes it at once from its own cache-hot buffer (readAndWork). Streams and parts
// (push mode): the main thread copies chunks into the slots (they are the stream's, not ours) or
// reads into them (writable/commit). Small inputs never start a worker: their leaves are hashed on
// this thread as slots fill.
import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';
import { DIGEST_LENGTH, LEAF_SIZE, MiB } from '../../core/constants.js';
import { TreeHashError } from '../../core/errors.js';
import type { LinearHash, ResolvedEngine } from '../../hash/engine.js';
import { createLinearSha256 } from '../../hash/linear.js';
import { sha256 } from '../../hash/one-shot.js';
import { type Checksums, KernelTreeHasher as TreeHasher, type TreeHasherOptions } from '../../hash/tree-hasher.js';
import type { TreeChecksum } from '../../stream/chunks.js';
import { nodeSha256 } from '../crypto.js';
import { readFailedAt, truncatedAt } from '../open-file.js';
import { cores } from './pool.js';
import { type FileSource, MAIN_GEN, PUBLISHED, READ_NEXT, type RunReply, WANT_DONE, WANT_FILLED, WORK_NEXT } from './protocol.js';
import { Run } from './run.js';

/** Inputs at least this long spread their leaves over worker threads. */
export const PARALLEL_THRESHOLD = 8 * MiB;

/** Which code hashes the leaves: the engine resolver's answer (`resolveEngine(engine, 'unsaved', nodeSha256).leaves`), but for the kernel in JavaScript, which runs on the calling thread. */
export type PoolLeaves = Exclude<ResolvedEngine['leaves'], 'js'>;

/** The slot kernel (kernels.ts) and the engine of this thread's own leaves, for each answer. */
const LEAF_KERNELS: Record<PoolLeaves, { kernel: string; engine: 'native' | 'wasm' | 'wasm-scalar' }> = {
  native: { kernel: 'leaves', engine: 'native' },
  simd: { kernel: 'leaves-wasm', engine: 'wasm' },
  scalar: { kernel: 'leaves-wasm-scalar', engine: 'wasm-scalar' },
};

/** The main thread is woken once per this many slots done, at most (a quarter of the ring). */
const WAKE_BATCH = 4;

// node:crypto: 1 MiB slots (one leaf: a read and its hashing stay in the core's cache), sixteen
// of them in flight so that neither side waits for the other. Wasm: 4 MiB slots, four whole leaves
// for the SIMD build at once. Both arenas are 16 MiB plus the leaf digests, allocated once.
const LAYOUTS: Record<'native' | 'wasm', { slotSize: number; slotCount: number }> = {
  native: { slotSize: 1 * MiB, slotCount: 16 },
  wasm: { slotSize: 4 * MiB, slotCount: 4 },
};

export interface PipelineOptions {
  /** Which code hashes the leaves (default node:crypto); the linear SHA-256 is node:crypto's for 'native', the Wasm kernel's otherwise. */
  leaves?: PoolLeaves;
  /** The linear SHA-256 of the bytes (since the last cut), on this thread. */
  linear: boolean;
  /** The SHA-256 of every byte across cuts, held by a worker of its own (hashFileParts' whole file). */
  whole?: boolean;
  /**
   * More stream kernels (kernels.ts names), each held by a worker of its own, after `whole`: their
   * digests are {@link Pipeline.streamDigests} once finish() returns (src/node/s3.ts: each part's
   * MD5, SHA-256 and CRCs).
   */
  streams?: readonly string[];
  onLeaf?: TreeHasherOptions['onLeaf'];
  /** Called as each slot's bytes are fully hashed, in order; what it throws comes out of the call that got there. */
  onHashed?: ((length: number) => void) | undefined;
  /** At most this many workers hash leaves (default: one per core, less the one running the linear hash). */
  workers?: number | undefined;
}

/** The default and the cap of leaf workers: every core, less this thread's when it runs a linear hash. */
export function leafWorkers(linear: boolean, cap: number | undefined): number {
  const all = linear ? cores() - 1 : cores();
  return Math.max(1, Math.min(cap ?? all, all));
}

/** @internal A tree hash (and linear SHA-256) whose leaves are hashed by the worker pool. */
export class Pipeline {
  readonly #run: Run;
  readonly #slotSize: number;
  readonly #slotCount: number;
  readonly #engine: 'native' | 'wasm' | 'wasm-scalar';
  readonly #options: PipelineOptions;
  readonly #linearFactory: (() => LinearHash) | undefined;
  #linear: LinearHash | undefined;
  #tree: TreeHasher;
  #parallel: boolean;
  readonly #streams: number;
  readonly #readAndWork: boolean;
  /** The digests of the stream kernels (`whole` first, then `streams`), set by finish() and close(). */
  streamDigests: Uint8Array[] = [];
  #published = 0; // seqs filled (push mode: by this thread)
  #hashed = 0; // seqs whose linear hash is done
  #collected = 0; // seqs whose outputs are collected and slots released
  #fill = 0; // push mode: bytes in the slot being filled
  #size = 0; // bytes since the last cut
  #leaves = 0;
  #file: FileSource | undefined;

  /** `expectedSize`: the input's length when known (0 when not: a stream's first PARALLEL_THRESHOLD bytes are then hashed on this thread). */
  constructor(options: PipelineOptions, expectedSize = 0, file?: FileSource) {
    const leaves = options.leaves ?? 'native';
    const { kernel, engine } = LEAF_KERNELS[leaves];
    this.#engine = engine;
    const { slotSize, slotCount } = LAYOUTS[leaves === 'native' ? 'native' : 'wasm'];
    this.#slotSize = slotSize;
    this.#slotCount = slotCount;
    this.#options = options;
    const streams = [...(options.whole ? ['sha256'] : []), ...(options.streams ?? [])];
    this.#streams = streams.length;
    // Stream kernels live in workers: with any, every slot goes to the pool.
    this.#parallel = file !== undefined || expectedSize >= PARALLEL_THRESHOLD || streams.length > 0;
    this.#file = file;
    // Tree only from a file: the bytes are the leaf workers' alone (see RunJob.readAndWork).
    this.#readAndWork = file !== undefined && !options.linear && streams.length === 0;
    this.#run = new Run({
      slotSize,
      slotCount,
      slotKernels: [{ name: kernel, outputStride: (slotSize / LEAF_SIZE) * DIGEST_LENGTH }],
      streams,
      workers: leafWorkers(options.linear, options.workers),
      ...(file === undefined ? {} : { file }),
      readAndWork: this.#readAndWork,
    });
    this.#linearFactory = !options.linear ? undefined : leaves === 'native' ? nodeSha256 : createLinearSha256;
    this.#linear = this.#linearFactory?.();
    this.#tree = this.#newTree();
  }

  #newTree(): TreeHasher {
    // Only its stack is used (appendTreeHash), plus the one empty leaf of empty input, which it reports to onLeaf.
    return new TreeHasher({ engine: 'wasm', ...(this.#options.onLeaf ? { onLeaf: this.#options.onLeaf } : {}) });
  }

  // ---- fd mode ----

  /** Hashes the whole file source (the constructor's `file`); then finish(). */
  async readAll(signal?: AbortSignal): Promise<void> {
    const file = this.#file!;
    const run = this.#run;
    const total = Math.ceil((file.end - file.start) / this.#slotSize);
    run.end(total);
    this.#published = total;
    // Without a linear hash there is nothing to do as a slot fills: wait for its leaves only.
    if (this.#linear === undefined) this.#hashed = total;
    if (total > 0) run.join();
    const onAbort = (): void => run.wake();
    signal?.addEventListener('abort', onAbort);
    try {
      while (this.#collected < total) {
        const gen = Atomics.load(run.control, MAIN_GEN);
        if (signal?.aborted) return; // the caller throws ERR_ABORTED
        run.throwIfFailed((reply) => this.#faultError(reply));
        let progressed = false;
        if (this.#hashed < total && this.#filled(this.#hashed)) {
          this.#linear?.update(run.bytes(this.#hashed, this.#length(this.#hashed)));
          this.#hashed++;
          progressed = true;
        }
        if (this.#collectReady()) progressed = true;
        // With readAndWork a read here would go unhashed: the workers read.
        if (!progressed && !this.#readAndWork) progressed = this.#readOne(file);
        if (!progressed) {
          run.join(); // a worker that left idle (this thread was slow: a callback) comes back
          await this.#sleep(gen, total);
        }
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** This thread reads the next unclaimed slot, if its slot is free: true when it did (or lost the race). */
  #readOne(file: FileSource): boolean {
    const { control, layout } = this.#run;
    const seq = Atomics.load(control, READ_NEXT);
    if (seq >= this.#published) return false;
    if (Atomics.load(control, this.#run.word(layout.released, seq)) < seq - this.#slotCount + 1) return false;
    if (Atomics.compareExchange(control, READ_NEXT, seq, seq + 1) !== seq) return true;
    const position = file.start + seq * this.#slotSize;
    const length = Math.min(this.#slotSize, file.end - position);
    const target = this.#run.bytes(seq, length);
    let got = 0;
    try {
      while (got < length) {
        const n = readSync(file.fd, target, got, length - got, position + got);
        if (n === 0) break;
        got += n;
      }
    } catch (cause) {
      this.#run.fail(readFailedAt(file.path, position + got, cause));
      return true;
    }
    if (got < length) {
      this.#run.fail(truncatedAt(file.path, position + got, file.end));
      return true;
    }
    this.#publishSlot(seq, length);
    return true;
  }

  #faultError(reply: RunReply): Error {
    const file = this.#file!;
    if (reply.endedAt !== undefined) return truncatedAt(file.path, reply.endedAt, file.end);
    return new TreeHashError('ERR_READ_FAILED', reply.error?.message ?? `cannot read ${file.path}`);
  }

  // ---- push mode ----

  /** The free part of the slot being filled; write into it, then call commit(). Waits for a slot if all are busy. */
  async writable(): Promise<Uint8Array> {
    const seq = this.#published;
    const { control, layout } = this.#run;
    if (this.#fill === 0) {
      while (Atomics.load(control, this.#run.word(layout.released, seq)) < seq - this.#slotCount + 1) await this.#collectOne();
    }
    return this.#run.bytes(seq, this.#slotSize).subarray(this.#fill);
  }

  /** Accounts for `length` bytes written into writable(). */
  commit(length: number): void {
    this.#fill += length;
    this.#size += length;
    if (this.#fill === this.#slotSize) this.#publish();
  }

  /** Copies `bytes` in (for streams, whose chunks are not ours to keep). */
  async update(bytes: Uint8Array): Promise<void> {
    for (let offset = 0; offset < bytes.length;) {
      const window = await this.writable();
      const n = Math.min(window.length, bytes.length - offset);
      window.set(bytes.subarray(offset, offset + n));
      offset += n;
      this.commit(n);
    }
  }

  /** Push mode: the slot being filled is complete (full, or cut short): hash it. */
  #publish(): void {
    const length = this.#fill;
    if (length === 0) return;
    this.#fill = 0;
    const seq = this.#published;
    if (!this.#parallel && this.#size >= PARALLEL_THRESHOLD) this.#parallel = true;
    if (!this.#parallel) {
      // Small inputs (and a stream's first few MiB) stay on this thread.
      const bytes = this.#run.bytes(seq, length);
      const out = this.#run.output(0, seq);
      for (let at = 0, i = 0; at < length; at += LEAF_SIZE, i++) {
        const leaf = bytes.subarray(at, Math.min(at + LEAF_SIZE, length));
        out.set(this.#engine === 'native' ? createHash('sha256').update(leaf).digest() : sha256(leaf, { engine: this.#engine }), i * DIGEST_LENGTH);
      }
      const { control, layout } = this.#run;
      Atomics.store(control, WORK_NEXT, seq + 1);
      Atomics.store(control, this.#run.word(layout.worked, seq), seq + 1);
    }
    this.#publishSlot(seq, length);
    this.#published = seq + 1;
    Atomics.store(this.#run.control, PUBLISHED, this.#published);
    this.#linear?.update(this.#run.bytes(seq, length));
    this.#hashed = seq + 1;
    if (this.#parallel) this.#run.join();
  }

  #publishSlot(seq: number, length: number): void {
    const { control, layout } = this.#run;
    Atomics.store(control, this.#run.word(layout.length, seq), length);
    Atomics.store(control, this.#run.word(layout.filled, seq), seq + 1);
    this.#run.bump();
  }

  /** Push mode: waits for the oldest published seq and collects it. */
  async #collectOne(): Promise<void> {
    for (;;) {
      const gen = Atomics.load(this.#run.control, MAIN_GEN);
      this.#run.throwIfFailed((reply) => new TreeHashError('ERR_READ_FAILED', reply.error?.message ?? 'a worker failed'));
      if (this.#collectReady()) return;
      this.#run.join();
      await this.#sleep(gen, this.#published);
    }
  }

  // ---- both ----

  /**
   * Sleeps until a worker signals what this thread waits for: the next seq to hash filled, or the
   * next seq to collect worked and streamed (workers wake this thread for those only). `gen`: MAIN_GEN
   * when the loop looked at the slots last.
   */
  async #sleep(gen: number, total: number): Promise<void> {
    const { control } = this.#run;
    const fill = this.#hashed < total && !this.#filled(this.#hashed) ? this.#hashed + 1 : 0;
    // Woken for the last of the next few seqs that is not done yet, not for each one: the seqs
    // before it are usually done by then (they were claimed first), and collected in one go.
    let done = 0;
    for (let seq = Math.min(this.#collected + WAKE_BATCH, this.#hashed) - 1; seq >= this.#collected; seq--) {
      if (!this.#ready(seq)) {
        done = seq + 1;
        break;
      }
    }
    if (done === 0 && this.#collected < this.#hashed) return; // all of them are done: collect them
    Atomics.store(control, WANT_FILLED, fill);
    Atomics.store(control, WANT_DONE, done);
    // Seen after saying what is wanted, or signalled by the worker that did it: never both missed.
    if ((fill !== 0 && this.#filled(fill - 1)) || (done !== 0 && this.#ready(done - 1))) return;
    await this.#run.wait(MAIN_GEN, gen);
  }

  #ready(seq: number): boolean {
    const { control, layout } = this.#run;
    if (Atomics.load(control, this.#run.word(layout.worked, seq)) !== seq + 1) return false;
    for (let s = 0; s < this.#streams; s++)
      if (Atomics.load(control, layout.streamed + s * this.#slotCount + (seq % this.#slotCount)) !== seq + 1) return false;
    return true;
  }

  #filled(seq: number): boolean {
    return Atomics.load(this.#run.control, this.#run.word(this.#run.layout.filled, seq)) === seq + 1;
  }

  #length(seq: number): number {
    return Atomics.load(this.#run.control, this.#run.word(this.#run.layout.length, seq));
  }

  /** Collects, in order, every hashed seq whose slot kernels and streams are done: true if any. */
  #collectReady(): boolean {
    const run = this.#run;
    const { control, layout } = run;
    let any = false;
    while (this.#collected < this.#hashed) {
      const seq = this.#collected;
      if (!this.#ready(seq)) break;
      const length = this.#length(seq);
      const digests = run.output(0, seq);
      for (let at = 0, i = 0; at < length; at += LEAF_SIZE, i++) {
        const digest = digests.subarray(i * DIGEST_LENGTH, (i + 1) * DIGEST_LENGTH);
        this.#tree.appendTreeHash(digest, Math.min(LEAF_SIZE, length - at));
        this.#options.onLeaf?.(digest.slice(), this.#leaves);
        this.#leaves++;
      }
      this.#collected = seq + 1;
      Atomics.store(control, run.word(layout.released, seq), seq + 1);
      run.bump();
      any = true;
      this.#options.onHashed?.(length);
    }
    return any;
  }

  /** Waits until everything published is collected. */
  async #drain(): Promise<void> {
    if (this.#fill > 0) this.#publish();
    while (this.#collected < this.#published) await this.#collectOne();
  }

  /** The checksums of the bytes since the last cut (or the start), then starts afresh (parts). */
  async cut(): Promise<Checksums> {
    await this.#drain();
    const size = this.#size;
    const treeHash = this.#tree.digest();
    const sha256 = this.#linear?.digest() ?? new Uint8Array(0);
    this.#tree = this.#newTree();
    this.#linear = this.#linearFactory?.();
    this.#size = 0;
    this.#leaves = 0;
    return { size, treeHash, sha256 };
  }

  /** After the last cut: the whole hash's digest (when `whole`). */
  async close(): Promise<Uint8Array | undefined> {
    await this.#drain();
    this.#tree.digest(); // gives its kernel instance back
    await this.#awaitStreams();
    await this.#run.stop(true);
    return this.streamDigests[0];
  }

  /** Ends the run's input and waits for every stream kernel's digest (into streamDigests). */
  async #awaitStreams(): Promise<void> {
    const run = this.#run;
    run.end(this.#published);
    for (let stream = 0; stream < this.#streams; stream++) {
      while (!run.digests.has(stream)) {
        const gen = Atomics.load(run.control, MAIN_GEN);
        run.throwIfFailed(() => new TreeHashError('ERR_WORKER_FAILED', 'a worker-held hash was lost'));
        if (!run.holding(stream)) run.join();
        await run.wait(MAIN_GEN, gen);
      }
    }
    this.streamDigests = Array.from({ length: this.#streams }, (_, stream) => run.digests.get(stream)!);
  }

  /** Finishes: the checksums of everything. */
  async finish(): Promise<Checksums | TreeChecksum> {
    if (this.#file === undefined) await this.#drain();
    this.#run.throwIfFailed((reply) => this.#faultError(reply));
    if (this.#streams > 0) await this.#awaitStreams();
    await this.#run.stop(true);
    const size = this.#file === undefined ? this.#size : this.#file.end - this.#file.start;
    const treeHash = this.#tree.digest();
    return this.#linear ? { size, treeHash, sha256: this.#linear.digest() } : { size, treeHash };
  }

  /** Gives up: waits until the workers have left the run (they may still write to the arena), keeps nothing. */
  async abandon(): Promise<void> {
    await this.#run.stop(false);
    this.#run.drop();
  }
}
