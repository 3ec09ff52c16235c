// A local file against what S3 says about the uploaded object (get-object-attributes or
// head-object JSON), and "which hash is this?" for a file: the Node side of src/s3/attributes.ts and
// src/s3/identify.ts (reading; the comparisons are universal).
import { MiB } from '../core/constants.js';
import type { Engine } from '../hash/engine.js';
import { type S3ObjectAttributes, type S3Verification, isMultipart, partSizeFromAttributes, verifyS3ObjectAttributes } from '../s3/attributes.js';
import type { S3Checksums } from '../s3/checksums.js';
import { Identifier, type IdentifyResult, identifyCandidates } from '../s3/identify.js';
import { S3_MAX_PART_SIZE, S3_MIN_PART_SIZE, assertValidS3PartSize } from '../s3/part-size.js';
import { throwIfAborted } from '../stream/abort.js';
import type { ProgressCallback } from '../stream/progress.js';
import { nodeMd5, nodeSha256 } from './crypto.js';
import { openFile, readFailedAt, truncatedAt } from './open-file.js';
import { hashFileForS3 } from './s3.js';

const READ_SIZE = 4 * MiB;

/**
 * Reads `path` once: `start(size)` gets the size and returns where the chunks go. A pipe or device
 * has no size up front, so it is read into memory first.
 */
async function readWhole(path: string | URL, signal: AbortSignal | undefined, start: (size: number) => (chunk: Uint8Array) => void): Promise<void> {
  const { handle, size: fileSize } = await openFile(path);
  try {
    let at = 0;
    const read = async (buffer: Uint8Array, position: number | null): Promise<number> => {
      throwIfAborted(signal);
      try {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
        at += bytesRead;
        return bytesRead;
      } catch (cause) {
        throw readFailedAt(path, at, cause);
      }
    };
    if (fileSize === undefined) {
      const chunks: Uint8Array[] = [];
      for (let buffer = new Uint8Array(READ_SIZE), n; (n = await read(buffer, null)) > 0; buffer = new Uint8Array(READ_SIZE))
        chunks.push(buffer.subarray(0, n));
      const consume = start(chunks.reduce((size, chunk) => size + chunk.length, 0));
      for (const chunk of chunks) consume(chunk);
      return;
    }
    const consume = start(fileSize);
    const buffer = new Uint8Array(Math.min(READ_SIZE, Math.max(1, fileSize)));
    for (let position = 0; position < fileSize;) {
      const n = await read(buffer.subarray(0, Math.min(buffer.length, fileSize - position)), position);
      if (n === 0) throw truncatedAt(path, position, fileSize);
      consume(buffer.subarray(0, n));
      position += n;
    }
  } finally {
    await handle.close();
  }
}

/**
 * What kind of checksum `value` is for the file at `path` (see createChecksumIdentifier in
 * `glacier-treehash/s3`): every kind its shape allows is computed in one read.
 * @throws {TreeHashError} `ERR_READ_FAILED`, `ERR_ABORTED`, `ERR_INVALID_OPTION`.
 * @example (await identifyFile('"9b2cf535f27731c974343645a3985328-5"', 'backup.tar')).match?.kind // 'etag'
 */
export async function identifyFile(
  value: string,
  path: string | URL,
  options: { engine?: Engine; signal?: AbortSignal } = {},
): Promise<IdentifyResult & { size: number }> {
  let identifier: Identifier | undefined;
  let size = 0;
  await readWhole(path, options.signal, (total) => {
    size = total;
    const created = new Identifier(value, total, options.engine === undefined ? {} : { engine: options.engine }, { sha256: nodeSha256, md5: nodeMd5 });
    identifier = created;
    return (chunk) => void created.update(chunk);
  });
  return { ...identifier!.finish(), size };
}

export interface VerifyForS3Options {
  /** The upload's part size, when the attributes do not list parts (default: read from them, else searched). */
  partSize?: number;
  engine?: Engine;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

/** The outcome of {@link verifyFileForS3}: the comparison, what was computed, and how the part size was found. */
export interface FileVerification extends S3Verification {
  readonly computed: S3Checksums;
  readonly partSize: number;
  /** Where the part size came from. */
  readonly partSizeFrom: 'option' | 'attributes' | 'search' | 'single part' | 'not multipart';
  /** When the part size was searched and nothing reproduced the multipart value: what was tried. */
  readonly search?: IdentifyResult;
}

/**
 * Checks a local file against S3's attributes of the uploaded object (parse the JSON with
 * `parseS3ObjectAttributes`). The part size comes from `options.partSize`, else from the listed
 * parts, else it is searched (one more read) with the ETag's or checksum's `-N`.
 * @throws {TreeHashError} `ERR_READ_FAILED`, `ERR_INVALID_PART_SIZE`, `ERR_ABORTED`, and hashFileForS3's codes.
 */
export async function verifyFileForS3(path: string | URL, attributes: S3ObjectAttributes, options: VerifyForS3Options = {}): Promise<FileVerification> {
  if (options.partSize !== undefined) assertValidS3PartSize(options.partSize);
  const multipart = isMultipart(attributes);
  let partSize = options.partSize;
  let partSizeFrom: FileVerification['partSizeFrom'] = 'option';
  let search: IdentifyResult | undefined;
  if (partSize === undefined) {
    partSize = partSizeFromAttributes(attributes);
    partSizeFrom = 'attributes';
  }
  if (partSize === undefined && multipart && attributes.partCount !== undefined && attributes.partCount > 1) {
    // The multipart value to search with: the ETag, else the checksum that has a -N or is composite.
    const checksum = attributes.checksums.find((c) => c.algorithm !== 'sha1' && c.algorithm !== 'crc64nvme' && attributes.checksumType !== 'FULL_OBJECT');
    const value =
      attributes.etag !== undefined && attributes.etagPartCount !== undefined
        ? attributes.etag
        : checksum
          ? `${checksum.value}-${attributes.partCount}`
          : undefined;
    if (value !== undefined) {
      const found = await identifyFile(value, path, options);
      search = found;
      // Nothing reproduces the value: compare with the first size tried, which at least gives N parts.
      partSize = found.match?.partSize ?? identifyCandidates(value, found.size)?.[0]?.partSize;
      partSizeFrom = 'search';
    }
  }
  if (partSize === undefined) {
    // One part (any size holding the object cuts it the same way), or a single PUT (parts do not matter).
    const size = attributes.objectSize ?? 0;
    partSize = Math.min(S3_MAX_PART_SIZE, Math.max(S3_MIN_PART_SIZE, Math.ceil(size / MiB) * MiB));
    if (search === undefined) partSizeFrom = multipart ? 'single part' : 'not multipart';
  }
  const algorithms = new Set([...attributes.checksums, ...attributes.parts.flatMap((part) => part.checksums)].map((c) => c.algorithm));
  const computed = await hashFileForS3(path, {
    partSize,
    crc32: algorithms.has('crc32'),
    crc32c: algorithms.has('crc32c'),
    md5: !multipart && attributes.etag !== undefined,
    ...(options.engine === undefined ? {} : { engine: options.engine }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const verification = verifyS3ObjectAttributes(attributes, computed);
  return { ...verification, computed, partSize, partSizeFrom, ...(search && !search.match ? { search } : {}) };
}
