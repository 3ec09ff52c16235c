// Many files, every core: hashFiles hands the list to the pool's workers, which claim files one by
// one from a shared counter and hash each whole on their own thread (pool/files-job.ts); results
// come back in batches and are yielded in the order of the list. Large files (the pipeline spreads
// one over every core), pipes and devices are hashed here, in their turn, with hashFile.
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LEAF_SIZE } from '../core/constants.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { checkEngine, resolveEngine } from '../hash/engine.js';
import type { Checksums } from '../hash/tree-hasher.js';
import { throwIfAborted } from '../stream/abort.js';
import type { TreeChecksum } from '../stream/chunks.js';
import { nodeSha256 } from './crypto.js';
import { hashFile } from './files.js';
import {
  FILES_LIMIT,
  FILES_NEXT,
  FILES_STOP,
  FILES_WORDS,
  type FileOutcome,
  type FilesJob,
  type PackedBatch,
  hashFileSync,
  unpackBatch,
} from './pool/files-job.js';
import { PARALLEL_THRESHOLD } from './pool/pipeline.js';
import { cores, poolWorker, post, rebuildError } from './pool/pool.js';

/** Options of {@link hashFiles}. */
export interface HashFilesOptions {
  /** Also the linear SHA-256 of each file (default true). */
  linear?: boolean;
  /** At most this many worker threads (default: one per core, `os.availableParallelism()`). */
  workers?: number;
  /** Stops the iteration with `ERR_ABORTED`. */
  signal?: AbortSignal;
  /** 'auto' and 'native' use the workers; the Wasm engines hash the files one by one with hashFile. */
  engine?: HashFileEngine;
  /** Paths the workers must not open (the CLI's `-`, standard input): hashed by `hashDeferred` in their turn. */
  defer?: (path: string | Buffer) => boolean;
  /** Hashes a file left to this thread (large, not a regular file, or named by `defer`); default: hashFile. */
  hashDeferred?: (path: string | Buffer, options: { linear: boolean }) => Promise<Checksums | TreeChecksum>;
}

type HashFileEngine = 'auto' | 'native' | 'wasm' | 'wasm-scalar';

/** One file's result: its checksums, or the error that stopped it (as hashFile would have thrown it). */
export type FileHashResult =
  | { readonly path: string | Buffer; readonly size: number; readonly treeHash: Uint8Array; readonly sha256?: Uint8Array; readonly error?: undefined }
  | { readonly path: string | Buffer; readonly error: Error };

/** Below this many files the list is hashed on this thread: starting a worker costs more. */
const POOL_FROM = 16;
/** Workers claim at most this many files past the last one yielded, so results never pile up. */
const WINDOW = 512;
const IDLE_MS = 50;

/**
 * Tree hash (and linear SHA-256) of many files, spread over every core, yielded in the order of
 * `paths`. A file that cannot be hashed gives `{ path, error }` (the TreeHashError hashFile would
 * throw: ERR_READ_FAILED with the fs error as `cause`, ERR_FILE_CHANGED, …) and the others go on.
 * Files of one leaf (up to 1 MiB) cost one SHA-256: their tree hash is their linear hash.
 * @throws {TreeHashError} `ERR_INVALID_OPTION` for bad options, `ERR_ABORTED` when the signal
 *   fires (from the iteration), `ERR_WORKER_FAILED` when a worker thread dies.
 * @example
 * for await (const result of hashFiles(['a.tar', 'b.tar'])) {
 *   if (result.error) console.error(`${result.path}: ${result.error.message}`);
 *   else console.log(toHex(result.treeHash), result.path);
 * }
 */
export async function* hashFiles(paths: readonly (string | Buffer | URL)[], options: HashFilesOptions = {}): AsyncGenerator<FileHashResult, void, undefined> {
  if (options === null || typeof options !== 'object')
    throw new TreeHashError('ERR_INVALID_OPTION', `options must be an object, got ${describeValue(options)}`);
  const linear = options.linear ?? true;
  if (typeof linear !== 'boolean') throw new TreeHashError('ERR_INVALID_OPTION', `linear must be a boolean, got ${describeValue(linear)}`);
  const engine = checkEngine(options.engine);
  // The workers hash with node:crypto: only where the engine resolver says leaves are node:crypto's.
  const native = resolveEngine(engine, 'unsaved', nodeSha256).leaves === 'native';
  const cap = options.workers;
  if (cap !== undefined && (!Number.isSafeInteger(cap) || cap < 1)) {
    throw new TreeHashError('ERR_INVALID_OPTION', `workers must be a positive integer, got ${describeValue(cap)}`);
  }
  const { signal } = options;
  const list = paths.map((path) => (path instanceof URL ? fileURLToPath(path) : path));
  const hashDeferred =
    options.hashDeferred ??
    ((path: string | Buffer, { linear }: { linear: boolean }) => hashFile(typeof path === 'string' ? path : path.toString(), { linear, engine, signal }));
  const one = async (path: string | Buffer): Promise<FileHashResult> => {
    try {
      return { path, ...(await hashDeferred(path, { linear })) };
    } catch (error) {
      if (error instanceof TreeHashError && (error.code === 'ERR_ABORTED' || error.code === 'ERR_WORKER_FAILED')) throw error;
      return { path, error: error as Error };
    }
  };
  throwIfAborted(signal);
  if (list.length < POOL_FROM || !native) {
    for (const path of list) {
      throwIfAborted(signal);
      yield (native && !options.defer?.(path) && smallFile(path, linear)) || (await one(path));
    }
    return;
  }
  const files = new FilesRun(list, linear, Math.min(cap ?? cores(), cores()), options.defer);
  try {
    for (let index = 0; index < list.length; index++) {
      throwIfAborted(signal);
      const outcome = await files.take(index);
      const path = list[index]!;
      if ('deferred' in outcome) {
        await files.pause(); // the workers are free for a large file's pipeline
        yield await one(path);
      } else if ('error' in outcome) yield { path, error: rebuildError(outcome.error) };
      else yield { path, ...outcome };
    }
  } finally {
    await files.pause();
  }
}

const leafBuffer = new Uint8Array(LEAF_SIZE);

/**
 * A regular file of at most one leaf, hashed right here with synchronous reads (well under a
 * millisecond: no promise per read, no Wasm kernel to start for one SHA-256), or undefined for
 * anything else (hashFile's turn). A missing file or a directory gives hashFile's error.
 */
function smallFile(path: string | Buffer, linear: boolean): FileHashResult | undefined {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    // hashFileSync's open fails the same way and words it as hashFile does.
  }
  if (stat !== undefined && !stat.isDirectory() && !(stat.isFile() && stat.size <= LEAF_SIZE)) return undefined;
  try {
    const outcome = hashFileSync(path, linear, LEAF_SIZE + 1, leafBuffer);
    return 'deferred' in outcome ? undefined : { path, ...(outcome as { size: number; treeHash: Uint8Array }) };
  } catch (error) {
    return { path, error: error as Error };
  }
}

/** The workers' side of one hashFiles call: the shared counter, the results as they arrive. */
class FilesRun {
  readonly #control = new Int32Array(new SharedArrayBuffer(FILES_WORDS * 4));
  readonly #job: FilesJob;
  readonly #outcomes = new Map<number, FileOutcome>();
  readonly #active: (Promise<unknown> | undefined)[];
  #failure: unknown;
  #wake: (() => void) | undefined;

  constructor(paths: readonly (string | Buffer)[], linear: boolean, workers: number, defer: HashFilesOptions['defer']) {
    // A path the workers must not open is sent as null: they leave it to this thread.
    const shipped = paths.map((path) => (defer?.(path) ? null : path));
    this.#job = {
      kind: 'files',
      paths: shipped,
      control: this.#control.buffer as SharedArrayBuffer,
      linear,
      deferFrom: 4 * PARALLEL_THRESHOLD,
      idleMs: IDLE_MS,
    };
    Atomics.store(this.#control, FILES_LIMIT, WINDOW);
    this.#active = new Array<undefined>(workers).fill(undefined);
  }

  /** Posts the job to every worker not in it, while files are left to claim. */
  #join(): void {
    if (Atomics.load(this.#control, FILES_NEXT) >= this.#job.paths.length) return;
    this.#active.forEach((active, index) => {
      if (active !== undefined) return;
      const worker = poolWorker(index);
      this.#active[index] = post(worker, this.#job, (batch) => {
        for (const [at, outcome] of unpackBatch(batch as PackedBatch, this.#job.linear)) this.#outcomes.set(at, outcome);
        this.#wake?.();
      }).then(
        () => {
          this.#active[index] = undefined;
          this.#wake?.();
        },
        (error: unknown) => {
          this.#failure ??= error;
          this.#active[index] = undefined;
          this.#wake?.();
        },
      );
    });
  }

  /** The outcome of file `index`, once a worker has sent it; lets the workers claim further. */
  async take(index: number): Promise<FileOutcome> {
    Atomics.store(this.#control, FILES_LIMIT, index + 1 + WINDOW);
    Atomics.notify(this.#control, FILES_LIMIT);
    for (;;) {
      const outcome = this.#outcomes.get(index);
      if (outcome !== undefined) {
        this.#outcomes.delete(index);
        return outcome;
      }
      if (this.#failure !== undefined) throw this.#failure;
      this.#join();
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
  }

  /** Makes the workers leave after the file at hand (the next take() brings them back). */
  async pause(): Promise<void> {
    Atomics.store(this.#control, FILES_STOP, 1);
    Atomics.notify(this.#control, FILES_LIMIT);
    await Promise.allSettled(this.#active);
    Atomics.store(this.#control, FILES_STOP, 0);
  }
}
