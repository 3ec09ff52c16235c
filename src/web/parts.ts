// Blobs (and Files) cut into multipart parts. Pure web APIs: runs in browsers, workers, edge
// runtimes and Node 20+.
import { TreeHashError, describeValue } from '../errors.js';
import { type HashPartsOptions, type PartHashing, hashPartsOf } from '../parts.js';

/** Bytes read from a Blob at a time: the size of the kernel's input window. */
const BLOB_CHUNK = 4 * 1024 * 1024;

/** Whether `value` is a Blob (or File), also one from another realm. */
export function isBlob(value: unknown): value is Blob {
  return (
    (typeof Blob !== 'undefined' && value instanceof Blob) ||
    (value !== null && typeof value === 'object' && Object.prototype.toString.call(value) === '[object Blob]') ||
    (value !== null && typeof value === 'object' && Object.prototype.toString.call(value) === '[object File]')
  );
}

/**
 * @internal The bytes of a Blob from `start` on, 4 MiB at a time. The next slice is requested
 * before the current one is handed out, so reading overlaps hashing. A Blob can be read any number
 * of times, so this never disturbs another reader (an upload of the same Blob).
 */
export async function* blobChunks(blob: Blob, start = 0): AsyncGenerator<Uint8Array, void, undefined> {
  const read = (from: number) => blob.slice(from, Math.min(from + BLOB_CHUNK, blob.size)).arrayBuffer();
  let position = start;
  let next = position < blob.size ? read(position) : undefined;
  try {
    while (next !== undefined) {
      const bytes = new Uint8Array(await next);
      next = undefined;
      if (bytes.length === 0) {
        throw new TreeHashError('ERR_READ_FAILED', `the Blob ended at byte ${position}, before its size ${blob.size}`);
      }
      position += bytes.length;
      if (position < blob.size) next = read(position);
      yield bytes;
    }
  } finally {
    // The consumer stopped early: the read ahead is not wanted, nor its failure.
    next?.catch(() => {});
  }
}

/**
 * Part checksums of a Blob or File (see `hashParts` for what is yielded). With `resumeFrom`, reading
 * starts after the resumed parts.
 * @throws {TreeHashError} at the call: `ERR_INVALID_INPUT` for a non-Blob and the codes of
 *   `createPartHasher`; while iterating: `ERR_READ_FAILED`, `ERR_EMPTY_ARCHIVE`, `ERR_TOO_MANY_PARTS`, `ERR_ABORTED`.
 * @example
 * const hashing = hashBlobParts(input.files[0], { partSize: 16 * MiB });
 * for await (const part of hashing) await sendPart(part);
 * const { treeHash, size } = await hashing.done();
 */
export function hashBlobParts(blob: Blob, options: HashPartsOptions): PartHashing {
  if (!isBlob(blob)) {
    throw new TreeHashError('ERR_INVALID_INPUT', `hashBlobParts expects a Blob or File, got ${describeValue(blob)}`);
  }
  const start = (options?.resumeFrom?.length ?? 0) * (options?.partSize ?? 0);
  if (start > blob.size) {
    throw new TreeHashError(
      'ERR_INVALID_RANGE',
      `the resumed parts cover ${start} bytes, more than the Blob's ${blob.size} bytes`,
    );
  }
  return hashPartsOf(() => blobChunks(blob, start), options);
}
