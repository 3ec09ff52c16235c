// What the main thread and the pool's workers share: the messages, and the layout of a run's
// control words (an Int32Array over a SharedArrayBuffer) through which they hand slots to each
// other without a message per slot. Imported by both sides; no code runs here.
//
// A run hashes a sequence of slots ("seqs" 0, 1, 2, …) through a ring of `slotCount` slots of an
// arena (SharedArrayBuffer): seq s lives in slot s % slotCount. Each seq is
//   1. filled: read from a file descriptor at a position computed from s (by whichever thread is
//      free: `claimRead`), or copied in by the main thread (push mode, streams); with
//      `readAndWork` the reader does step 2 at once instead;
//   2. worked: the run's slot kernels (e.g. the 1 MiB leaves' SHA-256) by any one worker, writing
//      into the slot's output area;
//   3. streamed: each sequential stream kernel (e.g. the whole file's SHA-256) by the worker that
//      holds it, in seq order;
//   4. released by the main thread, once it ran its own linear hash over the bytes and collected
//      the outputs in order; the slot is then free for seq s + slotCount.

/** Control word indexes (Int32Array). */
export const GEN = 0; // bumped (and notified) whenever work may have appeared for a worker
export const READ_NEXT = 1; // fd mode: the next seq whose read is not claimed
export const WORK_NEXT = 2; // the next seq whose slot kernels are not claimed
export const STATE = 3; // RUNNING, or STOPPED (finished, aborted or failed: workers leave)
export const PUBLISHED = 4; // seqs that exist: fd mode all of them at once, push mode as filled
export const ENDED = 5; // 1 once PUBLISHED is final
export const FAULT = 6; // a reader's failure: FAULT_READ or FAULT_EOF (details in the reply)
export const FAULT_SEQ = 7; // …and at which seq
export const MAIN_GEN = 8; // bumped (and notified) when what the main thread waits for happened: it sleeps on it
export const WANT_FILLED = 9; // seq + 1 of the seq whose filling the main thread waits for (0: none)
export const WANT_DONE = 10; // seq + 1 of the seq whose slot kernels and streams the main thread waits for (0: none)
const HEADER = 11;

export const RUNNING = 0;
export const STOPPED = 1;
export const FAULT_READ = 1; // readSync threw
export const FAULT_EOF = 2; // the file ended before the size it had when the run started

/** Where the per-slot words of a run with `slotCount` slots and `streams` worker-held streams are. */
export interface ControlLayout {
  readonly filled: number; // FILLED[slot] = seq + 1 once the slot's bytes are in
  readonly length: number; // LENGTH[slot] = bytes in the slot
  readonly worked: number; // WORKED[slot] = seq + 1 once the slot kernels are done
  readonly released: number; // RELEASED[slot] = seq + 1 once the main thread is done with it
  readonly streamed: number; // STREAMED[stream * slotCount + slot] = seq + 1
  readonly words: number;
}

export function controlLayout(slotCount: number, streams: number): ControlLayout {
  const filled = HEADER;
  const length = filled + slotCount;
  const worked = length + slotCount;
  const released = worked + slotCount;
  const streamed = released + slotCount;
  return { filled, length, worked, released, streamed, words: streamed + streams * slotCount };
}

/** A slot kernel: work on one slot's bytes, in any order, by any worker, into the slot's output area. */
export interface SlotKernelSpec {
  /** Registered name (see kernels.ts): 'leaves' (SHA-256 of each 1 MiB leaf, node:crypto), 'leaves-wasm', 'leaves-wasm-scalar'. */
  readonly name: string;
  /** Byte offset of slot 0's output in the arena; slot k's is at `output + k * outputStride`. */
  readonly output: number;
  readonly outputStride: number;
}

/** A stream kernel: one running hash over every seq's bytes in order, held by one worker. */
export interface StreamKernelSpec {
  /** Registered name (see kernels.ts): a node:crypto algorithm such as 'sha256' or 'md5'. */
  readonly name: string;
  /** Index of the worker (among the run's participants) that holds it. */
  readonly worker: number;
}

/** Where fd-mode seqs come from: seq s is bytes [start + s * slotSize, min(end, …)) of `fd`. */
export interface FileSource {
  readonly fd: number;
  readonly start: number;
  readonly end: number; // exclusive
  readonly path: string; // for messages
}

/** Main → worker: join (or rejoin) a run; the reply comes when the worker leaves it. */
export interface RunJob {
  readonly kind: 'run';
  readonly run: number; // id, unique per process, for the worker's stream state across rejoins
  readonly participant: number; // this worker's index among the run's participants
  readonly control: SharedArrayBuffer;
  readonly arena: SharedArrayBuffer;
  readonly slotSize: number;
  readonly slotCount: number;
  readonly slotKernels: readonly SlotKernelSpec[];
  readonly streams: readonly StreamKernelSpec[];
  readonly file?: FileSource;
  /**
   * fd mode when no one else needs the bytes (no linear hash, no streams): the worker that reads a
   * seq runs its slot kernels at once, from a buffer of its own that stays in its cache, and only
   * the outputs go through the slot (FILLED is never set; WORKED is).
   */
  readonly readAndWork?: boolean;
  /** Leave after this long without work (ms), so that an idle run (a slow stream, a paused consumer) does not hold the worker. */
  readonly idleMs: number;
}

/** Worker → main: a run job's reply. */
export interface RunReply {
  /** Why it left: 'stopped' (STATE), 'idle' (rejoin when there is work), 'fault' (a read failed: see `error`). */
  readonly left: 'stopped' | 'idle' | 'fault';
  /** Digests of the streams it held, when the run ended (ENDED and every seq streamed); by stream index. */
  readonly digests?: Record<number, Uint8Array>;
  readonly error?: SerializedError;
  /** 'fault' of a read that met the end of the file early: where it ended. */
  readonly endedAt?: number;
}

/** Main → worker: drop a run's stream state (after an abort). */
export interface DropJob {
  readonly kind: 'drop';
  readonly run: number;
}

/** An error that crosses threads: enough to rebuild a TreeHashError with an fs-like cause. */
export interface SerializedError {
  readonly code?: string; // the TreeHashError code, if it was one
  readonly message: string;
  readonly cause?: { readonly code?: string; readonly message: string; readonly path?: string; readonly syscall?: string; readonly errno?: number };
}

export type Job = (RunJob | DropJob | { readonly kind: string }) & { readonly kind: string };

/** Main → worker envelope. */
export interface Request {
  readonly id: number;
  readonly job: Job;
}

/** Worker → main envelope. */
export type Response =
  { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly error: SerializedError };
