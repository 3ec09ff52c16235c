// S3's values for files and Node streams: one read, both cores, through hashFile's pipeline
// (pool/pipeline.ts): the Glacier tree's leaves on the pool's workers and the linear SHA-256 on
// this thread, as for hashFile; in the same pass, stream kernels held by workers of their own
// (pool/s3-kernels.ts) cut the slots at part boundaries: each part's MD5 on one worker (the
// slowest hash, alone), its SHA-256 and CRCs on another. Their digests (every part's values one
// after another) come back when the run ends, and the object's values are assembled from them
// (the full-object CRCs by joining the parts' in the kernel). Files are read by the pool itself
// (fd mode). Inputs under PARALLEL_THRESHOLD never start the pool: the universal hashForS3 hashes
// them here.
import type { Readable } from 'node:stream';
import { toBytes } from '../core/bytes.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { checkEngine, resolveEngine } from '../hash/engine.js';
import type { Checksums } from '../hash/tree-hasher.js';
import { type S3Checksums, type S3HashOptions, type S3Natives, type S3PartChecksums, assembleS3Checksums, hashForS3With } from '../s3/checksums.js';
import { type CrcAlgorithm, crcFromBytes } from '../s3/crc.js';
import { S3_MAX_PARTS, resolveS3PartSize, s3PartCount } from '../s3/part-size.js';
import { abortableIterate, throwIfAborted } from '../stream/abort.js';
import { type ProgressCallback, ProgressReporter, checkProgressCallback } from '../stream/progress.js';
import { assertIterable, readFailure } from '../stream/sources.js';
import { nodeMd5, nodeSha256 } from './crypto.js';
import { checkUnchanged, openFile, readFailedAt, truncatedAt } from './open-file.js';
import { PARALLEL_THRESHOLD, Pipeline } from './pool/pipeline.js';
import type { FileSource } from './pool/protocol.js';
import { S3_PART_VALUE_BYTES, s3PartsKernelName } from './pool/s3-kernels.js';

/** node:crypto's hashes for the universal S3 code on this thread (nothing is registered on import). */
const NATIVES: S3Natives = { sha256: nodeSha256, md5: nodeMd5 };

export interface HashForS3Options extends Omit<S3HashOptions, 'size'> {
  /** Called as bytes are hashed (see hashFile's `onProgress`). */
  onProgress?: ProgressCallback;
  /** Aborts the hashing: the promise rejects with `ERR_ABORTED`. */
  signal?: AbortSignal;
}

/** The stream kernels of one input, and how to read their digests back into parts. */
class PartStreams {
  readonly names: string[];
  readonly #groups: string[][];
  readonly #partSize: number;
  readonly #onePart: boolean; // the object is known to be one part: its SHA-256 is the linear one
  readonly #wholeMd5: boolean;

  constructor(partSize: number, crcs: CrcAlgorithm[], wholeMd5: boolean, onePart: boolean) {
    this.#partSize = partSize;
    this.#onePart = onePart;
    // One part: its MD5 is the whole object's already.
    this.#wholeMd5 = wholeMd5 && !onePart;
    this.#groups = [['md5'], [...(onePart ? [] : ['sha256']), ...crcs]];
    this.names = [...this.#groups.map((group) => s3PartsKernelName(partSize, group)), ...(this.#wholeMd5 ? ['md5'] : [])];
  }

  /** The object's values from the streams' digests (in `names` order) and the pipeline's checksums. */
  finish(digests: readonly Uint8Array[], glacier: Checksums, options: HashForS3Options): S3Checksums {
    const values = this.#groups.map((group, i) => ({ group, bytes: digests[i]!, record: group.reduce((n, a) => n + S3_PART_VALUE_BYTES[a]!, 0) }));
    const count = values[0]!.bytes.length / values[0]!.record;
    if (count > S3_MAX_PARTS) {
      throw new TreeHashError(
        'ERR_TOO_MANY_PARTS',
        `more than ${S3_MAX_PARTS} parts of ${this.#partSize} bytes: S3 allows at most ${S3_MAX_PARTS} parts; use a larger part size`,
      );
    }
    const parts: S3PartChecksums[] = [];
    for (let i = 0; i < count; i++) {
      const part: Record<string, unknown> = { partNumber: i + 1, start: i * this.#partSize };
      for (const { group, bytes, record } of values) {
        let at = i * record;
        for (const algorithm of group) {
          const value = bytes.subarray(at, at + S3_PART_VALUE_BYTES[algorithm]!);
          part[algorithm] = algorithm === 'sha256' || algorithm === 'md5' ? value.slice() : crcFromBytes(algorithm as CrcAlgorithm, value);
          at += S3_PART_VALUE_BYTES[algorithm]!;
        }
      }
      const size = Math.min(this.#partSize, glacier.size - i * this.#partSize);
      if (this.#onePart) part.sha256 = glacier.sha256;
      parts.push({ ...part, size, end: i * this.#partSize + size - 1 } as unknown as S3PartChecksums);
    }
    return assembleS3Checksums(parts, this.#partSize, options, glacier, this.#wholeMd5 ? digests[2] : undefined);
  }
}

function checkOptions(options: HashForS3Options): void {
  if (options === null || typeof options !== 'object') {
    throw new TreeHashError('ERR_INVALID_OPTION', `options must be an object with a partSize, got ${describeValue(options)}`);
  }
  checkEngine(options.engine);
  checkProgressCallback(options.onProgress);
}

/** The pooled pipeline for one input: the tree, the linear SHA-256 and every part's values. */
function pipelineFor(options: HashForS3Options, partSize: number, expectedSize: number, progress: ProgressReporter, file?: FileSource) {
  const crcs: CrcAlgorithm[] = ['crc64nvme', ...(options.crc32 ? (['crc32'] as const) : []), ...(options.crc32c ? (['crc32c'] as const) : [])];
  const streams = new PartStreams(partSize, crcs, options.md5 === true, expectedSize > 0 && expectedSize <= partSize);
  // Engine 'js' (the kernel in JavaScript) has no pool leaves of its own here: node:crypto's serve.
  const resolved = resolveEngine(options.engine, 'unsaved', nodeSha256).leaves;
  const leaves = resolved === 'js' ? 'native' : resolved;
  const onHashed = (length: number): void => {
    throwIfAborted(options.signal);
    progress.advance(length);
  };
  const pipeline = new Pipeline({ linear: true, leaves, onHashed, streams: streams.names }, expectedSize, file);
  return {
    pipeline,
    finish: async () => {
      const glacier = (await pipeline.finish()) as Checksums;
      return streams.finish(pipeline.streamDigests, glacier, options);
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
  const { handle, stat } = await openFile(path);
  let pipeline: Pipeline | undefined;
  try {
    // Pipes, sockets and devices have no size (and pseudo-files say 0): read to their end, as a stream.
    if (!stat.isFile() || stat.size === 0) return await hashStreamForS3(handle.createReadStream({ autoClose: false }), options);
    const size = stat.size;
    const partSize = resolveS3PartSize(options.partSize, size);
    s3PartCount(size, partSize);
    const progress = new ProgressReporter(options.onProgress, size);
    let result: S3Checksums;
    if (size < PARALLEL_THRESHOLD) {
      const bytes = new Uint8Array(size);
      for (let position = 0; position < size;) {
        throwIfAborted(signal);
        let bytesRead: number;
        try {
          ({ bytesRead } = await handle.read(bytes, position, size - position, position));
        } catch (cause) {
          throw readFailedAt(path, position, cause);
        }
        if (bytesRead === 0) throw truncatedAt(path, position, size);
        position += bytesRead;
      }
      result = finishSmall(bytes, options, partSize);
    } else {
      // The pool reads the file itself: positional reads into its slots, by whichever thread is free.
      const run = pipelineFor(options, partSize, size, progress, { fd: handle.fd, start: 0, end: size, path: String(path) });
      pipeline = run.pipeline;
      await pipeline.readAll(signal);
      throwIfAborted(signal);
      result = await run.finish();
      pipeline = undefined;
    }
    // Grown, truncated or written to while it was read: the values would be of no version of the file.
    checkUnchanged(path, stat, await handle.stat(), true);
    progress.finish(result.size);
    return result;
  } finally {
    await pipeline?.abandon();
    await handle.close();
  }
}

function finishSmall(bytes: Uint8Array, options: HashForS3Options, partSize: number): S3Checksums {
  const { onProgress: _progress, signal: _signal, ...rest } = options;
  return hashForS3With(bytes, { ...rest, partSize }, NATIVES);
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
  let run: ReturnType<typeof pipelineFor> | undefined;
  let result: S3Checksums;
  try {
    for await (const chunk of abortableIterate(source, options.signal)) {
      const bytes = toBytes(chunk as Uint8Array, 'each chunk');
      if (run === undefined) {
        held.push(bytes.slice()); // the stream's chunk is not ours to keep
        heldSize += bytes.length;
        if (heldSize < PARALLEL_THRESHOLD) continue;
        run = pipelineFor(options, partSize, 0, progress);
        for (const piece of held.splice(0)) await run.pipeline.update(piece);
      } else await run.pipeline.update(bytes);
    }
    if (run === undefined) {
      const bytes = new Uint8Array(heldSize);
      held.reduce((at, piece) => (bytes.set(piece, at), at + piece.length), 0);
      result = finishSmall(bytes, options, partSize);
      progress.advance(result.size);
    } else result = await run.finish();
  } catch (cause) {
    await run?.pipeline.abandon();
    throw readFailure(cause, progress, 'the stream failed');
  }
  progress.finish(result.size);
  return result;
}
