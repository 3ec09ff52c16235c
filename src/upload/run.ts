// The async driver of part hashing: reads a source (or an adapter's pipeline), feeds a part
// hasher, yields each part as it completes, reports progress and keeps the totals for done().
import { type BytesLike, toBytes } from '../core/bytes.js';
import { TreeHashError } from '../core/errors.js';
import { booleanOption, optionsObject, signalOption } from '../core/options.js';
import { abortableIterate, throwIfAborted } from '../stream/abort.js';
import { PROGRESS_STEP, type ProgressCallback, ProgressReporter, checkProgressCallback } from '../stream/progress.js';
import { readFailure } from '../stream/sources.js';
import type { PartHasherState } from '../core/saved-state.js';
import { KernelPartHasher } from './part-hasher.js';
import { assertValidPartSize } from './plan.js';
import type {
  ArchiveSize,
  HashPartsOptions,
  IterableSource,
  MultipartChecksums,
  PartChecksums,
  PartHashing,
  PartPipeline,
  PartPipelineFactory,
} from './types.js';

/** The bytes of the part being read, for `keepBytes`: grown by doubling up to the part size. */
class PartBytes {
  readonly #partSize: number;
  #buffer = new Uint8Array(0);
  #fill = 0;

  constructor(partSize: number) {
    this.#partSize = partSize;
  }

  add(piece: Uint8Array): void {
    if (this.#fill + piece.length > this.#buffer.length) {
      // Grow, rather than take the part size at once: a 4 GiB part size for a small archive.
      const grown = new Uint8Array(Math.min(this.#partSize, Math.max(2 * this.#buffer.length, this.#fill + piece.length, 1024 * 1024)));
      grown.set(this.#buffer.subarray(0, this.#fill));
      this.#buffer = grown;
    }
    this.#buffer.set(piece, this.#fill);
    this.#fill += piece.length;
  }

  /** The part's bytes; the next part starts a new buffer (the consumer keeps this one). */
  take(): Uint8Array {
    const bytes = this.#buffer.length === this.#fill ? this.#buffer : this.#buffer.subarray(0, this.#fill);
    this.#buffer = new Uint8Array(0);
    this.#fill = 0;
    return bytes;
  }
}

/**
 * @internal What every {@link PartHashing} does the same, whoever hashes the parts (this thread, or
 * the page's Web Worker in src/web/): the parts can be iterated once; `done()` reads the rest and
 * gives the totals, or the error that ended the run; after the `onProgress` callback threw, nothing
 * more (its error came back to the caller once).
 */
export abstract class PartIteration implements PartHashing {
  abstract readonly start: number;
  #generator: AsyncGenerator<PartChecksums, void, undefined> | undefined;
  #result: MultipartChecksums | undefined;
  #failure: unknown; // the error that ended the run, for done() after a failed iteration
  #failed = false;
  #iterated = false;
  #callbackThrew = false; // onProgress threw: the run refuses further use (ERR_INVALID_STATE)

  /** The run: yields the parts, returns the totals. Started once, by the first step of the iteration. */
  protected abstract parts(): AsyncGenerator<PartChecksums, MultipartChecksums, undefined>;
  /** Whether `error` is what the `onProgress` callback threw. */
  protected abstract callbackThrew(error: unknown): boolean;
  /** The state for save(). */
  protected abstract state(): Uint8Array;

  save(): Uint8Array {
    this.#refuseAfterCallback('save');
    return this.state();
  }

  #refuseAfterCallback(method: string): void {
    if (this.#callbackThrew) {
      throw new TreeHashError('ERR_INVALID_STATE', `${method}() after onProgress threw`, {
        cause: this.#failure,
      });
    }
  }

  async *#run(): AsyncGenerator<PartChecksums, void, undefined> {
    try {
      this.#result = yield* this.parts();
    } catch (error) {
      this.#failed = true;
      this.#failure = error;
      this.#callbackThrew = this.callbackThrew(error);
      throw error;
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<PartChecksums> {
    if (this.#iterated) {
      throw new TreeHashError('ERR_INVALID_STATE', 'the parts can be iterated once; call hashParts() again for another pass');
    }
    this.#iterated = true;
    return (this.#generator ??= this.#run());
  }

  async done(): Promise<MultipartChecksums> {
    this.#iterated = true;
    const generator = (this.#generator ??= this.#run());
    for (;;) {
      const step = await generator.next();
      if (step.done) break;
    }
    this.#refuseAfterCallback('done');
    if (this.#failed) throw this.#failure;
    if (this.#result === undefined) {
      throw new TreeHashError('ERR_INVALID_STATE', 'the iteration over the parts was stopped before the end, so there are no totals');
    }
    return this.#result;
  }
}

class PartHashingRun extends PartIteration {
  readonly #hasher: KernelPartHasher;
  readonly #chunks: (start: number) => IterableSource;
  readonly #signal: AbortSignal | undefined;
  readonly #kept: PartBytes | undefined;
  readonly #onProgress: ProgressCallback | undefined;
  readonly #archiveSize: ArchiveSize | undefined;
  readonly start: number;
  #progress: ProgressReporter | undefined;

  readonly #pipeline: (() => PartPipelineFactory | undefined) | undefined;

  constructor(
    chunks: (start: number) => IterableSource,
    options: HashPartsOptions,
    archiveSize?: ArchiveSize,
    pipeline?: () => PartPipelineFactory | undefined,
  ) {
    super();
    this.#pipeline = pipeline;
    // Validate now so a bad option throws at the call, not at the first iteration.
    options = partsOptions(options, 'hashParts');
    this.#hasher = partHasherFor(options);
    this.#onProgress = checkProgressCallback(options.onProgress);
    this.start = this.#hasher.size;
    if (options.keepBytes === true && this.start % this.#hasher.partSize !== 0) {
      throw new TreeHashError(
        'ERR_INVALID_OPTION',
        `keepBytes needs to start at a part boundary, but the restored state is at byte ${this.start}: the part's first bytes are gone`,
      );
    }
    this.#kept = options.keepBytes === true ? new PartBytes(this.#hasher.partSize) : undefined;
    this.#chunks = chunks;
    this.#signal = options.signal;
    this.#archiveSize = archiveSize;
  }

  protected state(): Uint8Array {
    return this.#hasher.save();
  }

  /** @internal What save() would encode, unencoded (the Web Worker sends the records of it; see src/web/worker.ts). */
  saveFields(): PartHasherState {
    return this.#hasher.saveFields();
  }

  protected callbackThrew(error: unknown): boolean {
    return this.#progress?.threw(error) === true;
  }

  protected async *parts(): AsyncGenerator<PartChecksums, MultipartChecksums, undefined> {
    throwIfAborted(this.#signal); // before opening the source
    // The total is what this run hashes: the archive after the resumed or restored bytes.
    const size = this.#onProgress === undefined ? undefined : await this.#archiveSize?.();
    const progress = new ProgressReporter(this.#onProgress, size === undefined ? undefined : Math.max(0, size - this.start));
    this.#progress = progress;
    return yield* this.#read(this.#chunks(this.start), this.#hasher, this.#signal, this.#kept, progress);
  }

  /** The adapter's pipeline for this run, if it has one and the hasher allows it (asked once the source gave its first chunk). */
  #pipelineFor(hasher: KernelPartHasher, progress: ProgressReporter): PartPipeline | undefined {
    const factory = this.#pipeline?.();
    const setup = factory === undefined ? undefined : hasher.handOver();
    return setup === undefined ? undefined : factory!({ whole: setup.whole, onHashed: (length) => progress.advance(length) });
  }

  /** The parts of `source`, then the last one; returns the totals. */
  async *#read(
    source: IterableSource,
    hasher: KernelPartHasher,
    signal: AbortSignal | undefined,
    kept: PartBytes | undefined,
    progress: ProgressReporter,
  ): AsyncGenerator<PartChecksums, MultipartChecksums, undefined> {
    const start = hasher.size;
    const partSize = hasher.partSize;
    let pipeline: PartPipeline | undefined;
    let first = true;
    let fill = 0; // with a pipeline: bytes of the part being read
    let closed = false;
    try {
      try {
        for await (const chunk of abortableIterate(source, signal)) {
          // Hash only up to the next part boundary before yielding, so that while the consumer holds
          // part i, exactly the bytes up to its end are hashed: save() then resumes after part i.
          const bytes = toBytes(chunk as BytesLike, 'each chunk');
          if (first) {
            first = false;
            pipeline = this.#pipelineFor(hasher, progress);
          }
          for (let offset = 0; offset < bytes.length;) {
            if (pipeline !== undefined && fill === 0) hasher.startHashedPart();
            const partBytesSoFar = pipeline === undefined ? hasher.size % partSize : fill;
            const n = Math.min(bytes.length - offset, partSize - partBytesSoFar);
            const piece = offset === 0 && n === bytes.length ? bytes : bytes.subarray(offset, offset + n);
            kept?.add(piece);
            offset += n;
            if (pipeline === undefined) {
              const completed = progress.active ? updateCounted(hasher, piece, progress) : hasher.update(piece);
              for (const part of completed) yield kept ? { ...part, bytes: kept.take() } : part;
              continue;
            }
            // The pipeline: a part is yielded once all its bytes are hashed.
            await pipeline.update(piece);
            fill += n;
            if (fill === partSize) {
              fill = 0;
              const part = hasher.addHashedPart(await pipeline.cut());
              yield kept ? { ...part, bytes: kept.take() } : part;
            }
          }
        }
      } catch (cause) {
        throw readFailure(cause, progress, 'reading the source failed');
      }
      throwIfAborted(signal);
      let finished;
      if (pipeline === undefined) finished = hasher.finish();
      else {
        const last = fill > 0 ? await pipeline.cut() : undefined;
        const whole = await pipeline.close();
        closed = true;
        finished = hasher.finishHashed(last, whole);
      }
      const { lastPart, result } = finished;
      progress.finish(result.size - start);
      if (lastPart) yield kept ? { ...lastPart, bytes: kept.take() } : lastPart;
      return result;
    } finally {
      // An error, an abort, or the consumer stopped early: wait for the pipeline's work in flight, keep nothing.
      if (pipeline !== undefined && !closed) await pipeline.abandon();
    }
  }
}

/** `hasher.update(piece)` by steps, each one counted: a big piece (bytes given whole) still reports as it goes. */
function updateCounted(hasher: KernelPartHasher, piece: Uint8Array, progress: ProgressReporter): PartChecksums[] {
  const completed: PartChecksums[] = [];
  for (let offset = 0; offset < piece.length; offset += PROGRESS_STEP) {
    const step = piece.subarray(offset, offset + PROGRESS_STEP);
    completed.push(...hasher.update(step));
    progress.advance(step.length);
  }
  return completed;
}

/**
 * @internal The options of the part-hashing function `fn` (hashParts and the adapters), checked: an
 * object, and the options of a run of their types (the part hasher checks its own).
 * @throws {TreeHashError} `ERR_INVALID_OPTION`.
 */
export function partsOptions(options: unknown, fn: string): HashPartsOptions {
  const checked = optionsObject<HashPartsOptions>(options, `the options of ${fn}`, true) as HashPartsOptions;
  booleanOption(checked.keepBytes, 'keepBytes');
  signalOption(checked.signal);
  checkProgressCallback(checked.onProgress);
  return checked;
}

/** The part hasher for `options`: a new one, or one restored from `options.restore`. */
function partHasherFor(options: HashPartsOptions): KernelPartHasher {
  // save() here is for the loop body, where a part has just completed: nothing needs each part's
  // SHA-256 state, so by default it runs on node:crypto where there is one.
  const savePoint = options.savePoint ?? 'part';
  if (options.restore === undefined) return new KernelPartHasher({ ...options, savePoint });
  if (options.resumeFrom !== undefined) {
    throw new TreeHashError('ERR_INVALID_OPTION', 'give either resumeFrom or restore, not both: a saved state already holds the part hashes');
  }
  assertValidPartSize(options.partSize);
  const hasher = KernelPartHasher.restore(options.restore, { ...(options.engine === undefined ? {} : { engine: options.engine }), savePoint });
  if (hasher.partSize !== options.partSize) {
    throw new TreeHashError('ERR_INVALID_STATE', `the saved state has a part size of ${hasher.partSize} bytes, not ${options.partSize}`);
  }
  return hasher;
}

/** @internal The fields of `hashing.save()` without encoding them, for a run made by {@link hashPartsOf}. */
export function partStateFields(hashing: PartHashing): PartHasherState {
  if (!(hashing instanceof PartHashingRun)) throw new TreeHashError('ERR_INVALID_STATE', 'not a run of hashPartsOf');
  return hashing.saveFields();
}

/**
 * @internal Builds a {@link PartHashing} over a function that opens the byte source at a given
 * archive byte (0, or after resumed or restored parts): for the adapters. `pipeline`, asked once
 * the source has given its first chunk (so the adapter may know the size by then), may offer a
 * faster way to hash the parts.
 */
export function hashPartsOf(
  open: (start: number) => IterableSource,
  options: HashPartsOptions,
  archiveSize?: ArchiveSize,
  pipeline?: () => PartPipelineFactory | undefined,
): PartHashing {
  return new PartHashingRun(open, options, archiveSize, pipeline);
}
