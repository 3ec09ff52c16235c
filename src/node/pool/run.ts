// The main thread's side of a run (protocol.ts): the arena and control words, the participants
// (pool workers that join, and rejoin after leaving idle), and waiting for a control word without
// blocking the event loop (Atomics.waitAsync). What is done with the slots is pipeline.ts's.
import { type PoolWorker, poolWorker, post } from './pool.js';
import {
  ENDED,
  GEN,
  MAIN_GEN,
  PUBLISHED,
  type ControlLayout,
  type FileSource,
  type RunJob,
  type RunReply,
  STATE,
  STOPPED,
  type SlotKernelSpec,
  type StreamKernelSpec,
  controlLayout,
} from './protocol.js';

type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
  timeout?: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** A participant's idle time before it leaves the run (a slow stream, a consumer holding a part). */
const IDLE_MS = 20;

let nextRunId = 0;

// Arenas are reused: one idle arena per size, so a loop of calls allocates nothing.
const idleArenas = new Map<number, SharedArrayBuffer>();

interface Participant {
  readonly worker: PoolWorker;
  active: Promise<unknown> | undefined; // the join job in flight
}

export interface RunSetup {
  readonly slotSize: number;
  readonly slotCount: number;
  /** Bytes of output per slot for each slot kernel, by kernel name. */
  readonly slotKernels: readonly { readonly name: string; readonly outputStride: number }[];
  /** Stream kernels (names), each held by a worker of its own after the leaf workers. */
  readonly streams: readonly string[];
  /** Workers doing slot kernels (and reads): at least 1. */
  readonly workers: number;
  readonly file?: FileSource;
  /** See RunJob.readAndWork. */
  readonly readAndWork?: boolean;
}

/** A run's shared state and participants; see pipeline.ts for what the main thread does with it. */
export class Run {
  readonly id = nextRunId++;
  readonly control: Int32Array;
  readonly arena: Uint8Array;
  readonly layout: ControlLayout;
  readonly slotKernels: readonly SlotKernelSpec[];
  readonly #setup: RunSetup;
  readonly #streamSpecs: readonly StreamKernelSpec[];
  readonly #participants: Participant[] = [];
  readonly #arenaBuffer: SharedArrayBuffer;
  /** Digests of the streams, by stream index, once their holders handed them over. */
  readonly digests = new Map<number, Uint8Array>();
  /** The first failure: a worker died, or a read failed in a worker. */
  failure: unknown;
  #wake: (() => void) | undefined;
  #joined = false;

  constructor(setup: RunSetup) {
    this.#setup = setup;
    const { slotSize, slotCount } = setup;
    this.layout = controlLayout(slotCount, setup.streams.length);
    this.control = new Int32Array(new SharedArrayBuffer(this.layout.words * 4));
    let output = slotSize * slotCount;
    this.slotKernels = setup.slotKernels.map(({ name, outputStride }) => {
      const spec = { name, output, outputStride };
      output += outputStride * slotCount;
      return spec;
    });
    this.#arenaBuffer = idleArenas.get(output) ?? new SharedArrayBuffer(output);
    idleArenas.delete(output);
    this.arena = new Uint8Array(this.#arenaBuffer);
    this.#streamSpecs = setup.streams.map((name, index) => ({ name, worker: setup.workers + index }));
  }

  /** The bytes of the slot that holds `seq`. */
  bytes(seq: number, length: number): Uint8Array {
    const start = (seq % this.#setup.slotCount) * this.#setup.slotSize;
    return this.arena.subarray(start, start + length);
  }

  /** A slot kernel's output area for the slot that holds `seq`. */
  output(kernel: number, seq: number): Uint8Array {
    const spec = this.slotKernels[kernel]!;
    const start = spec.output + (seq % this.#setup.slotCount) * spec.outputStride;
    return this.arena.subarray(start, start + spec.outputStride);
  }

  word(base: number, seq: number): number {
    return base + (seq % this.#setup.slotCount);
  }

  /** Tells sleeping workers to look again. */
  bump(): void {
    Atomics.add(this.control, GEN, 1);
    Atomics.notify(this.control, GEN);
  }

  /** Posts a join job to every participant that is not in the run (the first call starts the workers). */
  join(): void {
    if (this.failure !== undefined) return;
    if (!this.#joined) {
      this.#joined = true;
      const count = this.#setup.workers + this.#setup.streams.length;
      for (let i = 0; i < count; i++) this.#participants.push({ worker: poolWorker(i), active: undefined });
    }
    this.#participants.forEach((participant, index) => {
      if (participant.active !== undefined || participant.worker.failure !== undefined) {
        if (participant.worker.failure !== undefined) this.fail(participant.worker.failure);
        return;
      }
      const job: RunJob = {
        kind: 'run',
        run: this.id,
        participant: index,
        control: this.control.buffer as SharedArrayBuffer,
        arena: this.#arenaBuffer,
        slotSize: this.#setup.slotSize,
        slotCount: this.#setup.slotCount,
        slotKernels: this.slotKernels,
        streams: this.#streamSpecs,
        ...(this.#setup.file === undefined ? {} : { file: this.#setup.file }),
        ...(this.#setup.readAndWork ? { readAndWork: true } : {}),
        idleMs: IDLE_MS,
      };
      participant.active = post(participant.worker, job).then(
        (value) => {
          participant.active = undefined;
          const reply = value as RunReply;
          for (const [index, digest] of Object.entries(reply.digests ?? {})) this.digests.set(Number(index), digest);
          if (reply.left === 'fault') this.fail(reply);
          this.wake();
        },
        (error: unknown) => {
          participant.active = undefined;
          this.fail(error);
        },
      );
    });
  }

  /** Whether the stream's holder is in the run. */
  holding(stream: number): boolean {
    return this.#participants[this.#setup.workers + stream]?.active !== undefined;
  }

  /** Records the first failure, stops the workers and wakes the main thread. */
  fail(failure: unknown): void {
    this.failure ??= failure;
    Atomics.store(this.control, STATE, STOPPED);
    this.bump();
    Atomics.add(this.control, MAIN_GEN, 1);
    this.wake();
  }

  /** Throws the failure, if any (a worker's read fault is worded by the caller: see `fault`). */
  throwIfFailed(onFault: (reply: RunReply) => Error): void {
    const failure = this.failure;
    if (failure === undefined) return;
    if (failure instanceof Error) throw failure;
    throw onFault(failure as RunReply);
  }

  /** Resolves when control[index] may no longer be `value`, a participant left, or wake() is called (at most a second). */
  async wait(index: number, value: number): Promise<void> {
    const result = waitAsync(this.control, index, value, 1000);
    if (!result.async) return;
    await Promise.race([result.value, new Promise<void>((resolve) => (this.#wake = resolve))]);
    this.#wake = undefined;
  }

  wake(): void {
    this.#wake?.();
  }

  /** No more seqs after `published`. */
  end(published: number): void {
    Atomics.store(this.control, PUBLISHED, published);
    Atomics.store(this.control, ENDED, 1);
    this.bump();
  }

  /** Stops the run and waits until every participant has left it (they may be writing to the arena until then). */
  async stop(keepArena: boolean): Promise<void> {
    Atomics.store(this.control, STATE, STOPPED);
    this.bump();
    await Promise.allSettled(this.#participants.map((participant) => participant.active));
    if (keepArena && this.failure === undefined) idleArenas.set(this.#arenaBuffer.byteLength, this.#arenaBuffer);
  }

  /** After an abandoned run: the workers that held streams forget them. */
  drop(): void {
    for (let i = this.#setup.workers; i < this.#participants.length; i++) {
      const worker = this.#participants[i]!.worker;
      if (worker.failure === undefined) void post(worker, { kind: 'drop', run: this.id }).catch(() => undefined);
    }
  }
}
