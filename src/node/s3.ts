// S3's values for files and Node streams: one read, both cores. The bytes go through hashFile's
// arena and worker pool (parallel.ts): the Glacier tree's leaves on the workers and the linear
// SHA-256 on this thread, as for hashFile; in the same pass, as each slot is submitted, this file's
// SlotReader cuts it at part boundaries, runs the CRCs on this thread (the slot copied into a
// kernel's input window) and sends each part's bytes to two worker-held hashes: its SHA-256 on the
// pool's first worker, its MD5 on the last (the slowest hash, so it gets a worker to itself while
// leaves go to the others). Parts' digests come back in a SharedArrayBuffer of their own.
//
// What this needs from the pool (kept narrow for its rewrite): WorkerHash(algorithm, 'first' |
// 'last') (worker-hash.ts: a node:crypto hash held in one worker, fed in message order) and
// ParallelTreeHash's `onSlot` option. Inputs under PARALLEL_THRESHOLD never start the pool: they are hashed here by
// the universal hashForS3.
import type { Readable } from 'node:stream';
import { toBytes } from '../core/bytes.js';
import { checkEngine } from '../hash/engine.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import type { Checksums } from '../hash/tree-hasher.js';
import { type Kernel, acquireKernel, releaseKernel } from '../kernel/wasm.js';
import { type S3Checksums, type S3HashOptions, type S3Natives, type S3PartChecksums, assembleS3Checksums, hashForS3With } from '../s3/checksums.js';
import { type CrcAlgorithm, crcInWindow } from '../s3/crc.js';
import { S3_MAX_PARTS, resolveS3PartSize, s3PartCount } from '../s3/part-size.js';
import { abortableIterate, throwIfAborted } from '../stream/abort.js';
import { type ProgressCallback, ProgressReporter, checkProgressCallback } from '../stream/progress.js';
import { assertIterable, readFailure } from '../stream/sources.js';
import { nodeMd5, nodeSha256 } from './crypto.js';
import { openFile, readFailedAt, truncatedAt } from './open-file.js';
import { PARALLEL_THRESHOLD, ParallelTreeHash } from './parallel.js';
import { WorkerHash } from './worker-hash.js';

/** node:crypto's hashes for the universal S3 code on this thread (nothing is registered on import). */
const NATIVES: S3Natives = { sha256: nodeSha256, md5: nodeMd5 };

export interface HashForS3Options extends Omit<S3HashOptions, 'size'> {
  /** Called as bytes are hashed (see hashFile's `onProgress`). */
  onProgress?: ProgressCallback;
  /** Aborts the hashing: the promise rejects with `ERR_ABORTED`. */
  signal?: AbortSignal;
}

const ZERO: Record<CrcAlgorithm, bigint | number> = { crc64nvme: 0n, crc32: 0, crc32c: 0 };
const DIGESTS_PER_BLOCK = 1024; // parts whose SHA-256 (32) and MD5 (16) share one SharedArrayBuffer
const PART_DIGESTS = 48;

interface PendingPart {
  readonly partNumber: number;
  readonly start: number;
  readonly size: number;
  readonly crcs: Record<string, bigint | number>;
  readonly digests: Promise<[Uint8Array, Uint8Array]>;
}

/** Each part's SHA-256 and MD5 in workers and its CRCs here, from the arena's slots (see the top of this file). */
class PooledParts {
  readonly #partSize: number;
  readonly #crcs: CrcAlgorithm[];
  readonly #kernel: Kernel = acquireKernel();
  readonly #blocks: SharedArrayBuffer[] = [];
  readonly #parts: PendingPart[] = [];
  readonly #wholeMd5: WorkerHash | undefined;
  readonly #onePart: boolean; // the object is known to be one part: its SHA-256 is the linear one
  #sha: WorkerHash | undefined;
  #md5: WorkerHash | undefined;
  #partCrc: Record<string, bigint | number> = {};
  #position = 0;
  #partStart = 0;

  constructor(partSize: number, crcs: CrcAlgorithm[], wholeMd5: boolean, onePart: boolean) {
    this.#partSize = partSize;
    this.#crcs = crcs;
    this.#resetCrcs();
    this.#onePart = onePart;
    // One part: its MD5 is the whole object's already.
    this.#wholeMd5 = wholeMd5 && !onePart ? new WorkerHash('md5', 'first') : undefined;
  }

  #resetCrcs(): void {
    for (const algorithm of this.#crcs) this.#partCrc[algorithm] = ZERO[algorithm];
  }

  /** The SlotReader given to ParallelTreeHash. */
  readonly read = (arena: SharedArrayBuffer, offset: number, length: number): Promise<void> => {
    const kernel = this.#kernel;
    kernel.memory.set(new Uint8Array(arena, offset, length), kernel.inputPtr);
    const sent: Promise<void>[] = [];
    if (this.#wholeMd5) sent.push(this.#wholeMd5.update(arena, offset, length));
    for (let at = 0; at < length; ) {
      const n = Math.min(length - at, this.#partStart + this.#partSize - this.#position);
      this.#md5 ??= new WorkerHash('md5', 'last');
      sent.push(this.#md5.update(arena, offset + at, n));
      if (!this.#onePart) sent.push((this.#sha ??= new WorkerHash('sha256', 'first')).update(arena, offset + at, n));
      for (const algorithm of this.#crcs) this.#partCrc[algorithm] = crcInWindow(kernel, algorithm, this.#partCrc[algorithm]!, at, n);
      at += n;
      this.#position += n;
      if (this.#position === this.#partStart + this.#partSize) this.#endPart();
    }
    const done = Promise.all(sent).then(() => undefined);
    done.catch(() => undefined); // awaited by the ParallelTreeHash before the slot is reused
    return done;
  };

  #endPart(): void {
    const index = this.#parts.length;
    if (index === S3_MAX_PARTS) {
      throw new TreeHashError('ERR_TOO_MANY_PARTS', `more than ${S3_MAX_PARTS} parts of ${this.#partSize} bytes: S3 allows at most ${S3_MAX_PARTS} parts; use a larger part size`);
    }
    if (index % DIGESTS_PER_BLOCK === 0) this.#blocks.push(new SharedArrayBuffer(DIGESTS_PER_BLOCK * PART_DIGESTS));
    const block = this.#blocks[this.#blocks.length - 1]!;
    const at = (index % DIGESTS_PER_BLOCK) * PART_DIGESTS;
    const sha = this.#onePart ? undefined : (this.#sha ?? new WorkerHash('sha256', 'first'));
    const md5 = this.#md5 ?? new WorkerHash('md5', 'last');
    const digests = Promise.all([sha?.digest(block, at) ?? Promise.resolve(new Uint8Array(0)), md5.digest(block, at + 32)]);
    digests.catch(() => undefined); // awaited in finish(); a failure must not count as unhandled meanwhile
    this.#parts.push({ partNumber: index + 1, start: this.#partStart, size: this.#position - this.#partStart, crcs: { ...this.#partCrc }, digests });
    this.#sha = undefined;
    this.#md5 = undefined;
    this.#partStart = this.#position;
    this.#resetCrcs();
  }

  /** The object's values, once every part's digests are back; `glacier` from the ParallelTreeHash. */
  async finish(glacier: Checksums, options: HashForS3Options): Promise<S3Checksums> {
    if (this.#position > this.#partStart || this.#parts.length === 0) this.#endPart();
    const wholeMd5 = await this.#wholeMd5?.digest(new SharedArrayBuffer(16), 0);
    const parts: S3PartChecksums[] = [];
    for (const part of this.#parts) {
      let [sha256, md5] = await part.digests;
      if (this.#onePart) sha256 = glacier.sha256;
      parts.push({ partNumber: part.partNumber, start: part.start, end: part.start + part.size - 1, size: part.size, sha256, md5, ...part.crcs } as S3PartChecksums);
    }
    releaseKernel(this.#kernel);
    return assembleS3Checksums(parts, this.#partSize, options, glacier, wholeMd5);
  }

  /** Drops the worker-held hashes (after an error or an abort). */
  async abandon(): Promise<void> {
    await Promise.all([this.#sha?.drop(), this.#md5?.drop(), this.#wholeMd5?.drop(), ...this.#parts.map((part) => part.digests.catch(() => undefined))]);
  }
}

function checkOptions(options: HashForS3Options): void {
  if (options === null || typeof options !== 'object') {
    throw new TreeHashError('ERR_INVALID_OPTION', `options must be an object with a partSize, got ${describeValue(options)}`);
  }
  checkEngine(options.engine);
  checkProgressCallback(options.onProgress);
}

/** The pooled pipeline for one input: the tree and linear SHA-256 in ParallelTreeHash, the parts in PooledParts. */
function pipelineFor(options: HashForS3Options, partSize: number, expectedSize: number, progress: ProgressReporter) {
  const crcs: CrcAlgorithm[] = ['crc64nvme', ...(options.crc32 ? (['crc32'] as const) : []), ...(options.crc32c ? (['crc32c'] as const) : [])];
  const parts = new PooledParts(partSize, crcs, options.md5 === true, expectedSize > 0 && expectedSize <= partSize);
  const engine = checkEngine(options.engine);
  const tree = new ParallelTreeHash(
    { linear: true, engine: engine === 'auto' ? 'native' : engine, onHashed: (length) => progress.advance(length), onSlot: parts.read },
    expectedSize,
  );
  return {
    tree,
    finish: async () => parts.finish((await tree.finish()) as Checksums, options),
    abandon: async () => {
      await tree.abandon();
      await parts.abandon();
    },
  };
}

/**
 * Every value S3 reports for a file (see `S3Checksums` in `glacier-treehash/s3`: composite
 * SHA-256, multipart ETag, CRC-64/NVME and optionally CRC-32/CRC-32C, each part's values), and the
 * Glacier tree hash and SHA-256, from one read on both cores. `partSize` is the upload's part size
 * or a preset (`'glacier-vaults-to-s3'` is sized from the file). Pipes and devices are read to their end.
 * @throws {TreeHashError} `ERR_READ_FAILED` (the fs error as `cause`), `ERR_INVALID_PART_SIZE`,
 *   `ERR_TOO_MANY_PARTS`, `ERR_ABORTED`, `ERR_INVALID_OPTION`, `ERR_WORKER_FAILED`; the `onProgress` callback's own error.
 * @example const { sha256Composite, etag, crc64nvme, treeHash } = await hashFileForS3('archive.tar', { partSize: 'aws-cli' });
 */
export async function hashFileForS3(path: string | URL, options: HashForS3Options): Promise<S3Checksums> {
  checkOptions(options);
  const { signal } = options;
  throwIfAborted(signal);
  const { handle, size: fileSize } = await openFile(path);
  try {
    // Pipes, sockets and devices have no size: read to their end, as a stream.
    if (fileSize === undefined) return await hashStreamForS3(handle.createReadStream({ autoClose: false }), options);
    const size = fileSize;
    const partSize = resolveS3PartSize(options.partSize, size);
    s3PartCount(size, partSize);
    const progress = new ProgressReporter(options.onProgress, size);
    const readAt = async (window: Uint8Array, want: number, position: number): Promise<number> => {
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(window, 0, want, position));
      } catch (cause) {
        throw readFailedAt(path, position, cause);
      }
      if (bytesRead === 0) throw truncatedAt(path, position, size);
      return bytesRead;
    };
    if (size < PARALLEL_THRESHOLD) {
      const bytes = new Uint8Array(size);
      for (let position = 0; position < size; ) {
        throwIfAborted(signal);
        position += await readAt(bytes.subarray(position), size - position, position);
      }
      return finishSmall(bytes, options, partSize, progress);
    }
    const pipeline = pipelineFor(options, partSize, size, progress);
    let result: S3Checksums;
    try {
      for (let position = 0; position < size; ) {
        throwIfAborted(signal);
        const window = await pipeline.tree.writable();
        const bytesRead = await readAt(window, Math.min(window.length, size - position), position);
        pipeline.tree.commit(bytesRead);
        position += bytesRead;
      }
      throwIfAborted(signal);
      result = await pipeline.finish();
    } catch (error) {
      await pipeline.abandon();
      throw error;
    }
    progress.finish(result.size);
    return result;
  } finally {
    await handle.close();
  }
}

function finishSmall(bytes: Uint8Array, options: HashForS3Options, partSize: number, progress: ProgressReporter): S3Checksums {
  const { onProgress: _progress, signal: _signal, ...rest } = options;
  const result = hashForS3With(bytes, { ...rest, partSize }, NATIVES);
  progress.advance(bytes.length);
  progress.finish(result.size);
  return result;
}

/**
 * {@link hashFileForS3} for a Node Readable or any (async) iterable of byte chunks. The first
 * PARALLEL_THRESHOLD bytes are held; a stream that ends within them is hashed on this thread.
 * `partSize: 'glacier-vaults-to-s3'` needs the size, so it is refused here (`ERR_INVALID_OPTION`).
 * @throws {TreeHashError} as {@link hashFileForS3}; `ERR_INVALID_INPUT` for a source that is not bytes.
 */
export async function hashStreamForS3(source: Readable | AsyncIterable<unknown> | Iterable<unknown>, options: HashForS3Options): Promise<S3Checksums> {
  checkOptions(options);
  assertIterable(source, 'hashStreamForS3 expects a Readable or an (async) iterable of bytes');
  const partSize = resolveS3PartSize(options.partSize);
  const progress = new ProgressReporter(options.onProgress, undefined);
  const held: Uint8Array[] = [];
  let heldSize = 0;
  let pipeline: ReturnType<typeof pipelineFor> | undefined;
  let result: S3Checksums;
  try {
    for await (const chunk of abortableIterate(source, options.signal)) {
      const bytes = toBytes(chunk as Uint8Array, 'each chunk');
      if (pipeline === undefined) {
        held.push(bytes.slice()); // the stream's chunk is not ours to keep
        heldSize += bytes.length;
        if (heldSize < PARALLEL_THRESHOLD) continue;
        pipeline = pipelineFor(options, partSize, 0, progress);
        for (const piece of held.splice(0)) await pipeline.tree.update(piece);
      } else await pipeline.tree.update(bytes);
    }
    if (pipeline === undefined) {
      const bytes = new Uint8Array(heldSize);
      held.reduce((at, piece) => (bytes.set(piece, at), at + piece.length), 0);
      return finishSmall(bytes, options, partSize, progress);
    }
    result = await pipeline.finish();
  } catch (cause) {
    await pipeline?.abandon();
    throw readFailure(cause, progress, 'the stream failed');
  }
  progress.finish(result.size);
  return result;
}
