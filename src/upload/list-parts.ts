// What part tree hashes alone give, without the data: the archive tree hash for
// CompleteMultipartUpload, and the resume point of an upload from its ListParts pages.
import { parseRange } from '../core/byte-range.js';
import { toTreeHashBytes } from '../core/digest.js';
import { optionsObject } from '../core/options.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { combineTreeHashes } from '../hash/combine.js';
import { assertValidPartSize, partCount, validatePart } from './plan.js';

/**
 * The archive tree hash from the tree hashes of all its parts, in order, without reading the data:
 * what CompleteMultipartUpload sends. Only valid because the part size is 1 MiB × 2^k, so any other
 * size is refused; the number of hashes must be ceil(archiveSize / partSize).
 * @throws {TreeHashError} `ERR_INVALID_PART_SIZE`; `ERR_INVALID_SIZE`, `ERR_EMPTY_ARCHIVE`,
 *   `ERR_ARCHIVE_TOO_LARGE` for the archive size; `ERR_TOO_MANY_PARTS` when the sizes need more than
 *   10,000 parts; `ERR_PART_COUNT_MISMATCH` when the count of hashes differs from what the sizes need;
 *   `ERR_INVALID_HEX` for a hash string that is not 64 hex digits, `ERR_INVALID_DIGEST` for bytes that are not 32 long.
 * @example
 * // 6.5 MiB archive in 2 MiB parts: four part hashes (from UploadMultipartPart or ListParts)
 * const root = archiveTreeHashFromParts([h0, h1, h2, h3], { partSize: 2097152, archiveSize: 6815744 });
 */
export function archiveTreeHashFromParts(partTreeHashes: readonly (Uint8Array | string)[], options: { partSize: number; archiveSize: number }): Uint8Array {
  const { partSize, archiveSize } = optionsObject<{ partSize: number; archiveSize: number }>(
    options,
    'the options of archiveTreeHashFromParts ({ partSize, archiveSize })',
  );
  assertValidPartSize(partSize);
  const expected = partCount(archiveSize as number, partSize);
  if (!Array.isArray(partTreeHashes) || partTreeHashes.length !== expected) {
    throw new TreeHashError(
      'ERR_PART_COUNT_MISMATCH',
      `an archive of ${archiveSize} bytes in parts of ${partSize} bytes has ${expected} parts, so it needs ${expected} part tree hashes; ` +
        `got ${Array.isArray(partTreeHashes) ? partTreeHashes.length : describeValue(partTreeHashes)}`,
    );
  }
  return combineTreeHashes(Array.from(partTreeHashes, (hash, i) => toTreeHashBytes(hash, `partTreeHashes[${i}]`)));
}

/** Where a multipart upload stands, from its ListParts pages. */
export interface ListedUpload {
  /** The upload's part size (`PartSizeInBytes`). */
  partSize: number;
  /** Tree hashes of parts 0, 1, … up to the first missing part: pass as `resumeFrom`. */
  resumeFrom: Uint8Array[];
  /** The byte to continue reading at: `resumeFrom.length × partSize`. */
  nextByte: number;
  /** Every listed part by index, including those after a gap (uploaded out of order). */
  uploaded: Map<number, Uint8Array>;
}

/**
 * Reads ListParts responses (one or more pages, SDK v3 shape) into a resume point. Each range is
 * checked against the part size; a last, shorter part ends the resumable prefix (there is nothing
 * after it to hash).
 * @throws {TreeHashError} `ERR_INVALID_PART_SIZE`, `ERR_INVALID_RANGE` (an unreadable
 *   `RangeInBytes`), the codes of {@link validatePart}, `ERR_INVALID_HEX`/`ERR_INVALID_DIGEST`, `ERR_INVALID_INPUT` for
 *   pages that disagree on the part size.
 * @example
 * const page = await glacier.send(new ListPartsCommand({ vaultName, uploadId }));
 * const { resumeFrom } = resumeFromListParts(page);
 * // hashFileParts reads the file from nextByte on; for a stream, give it the bytes from nextByte.
 * const hashing = hashFileParts(path, { partSize: page.PartSizeInBytes!, resumeFrom });
 */
export function resumeFromListParts(
  pages:
    | { PartSizeInBytes?: number; Parts?: readonly { RangeInBytes?: string; SHA256TreeHash?: string }[] }
    | readonly { PartSizeInBytes?: number; Parts?: readonly { RangeInBytes?: string; SHA256TreeHash?: string }[] }[],
): ListedUpload {
  const list = Array.isArray(pages) ? pages : [pages];
  if (list.length === 0 || list.some((page) => page === null || typeof page !== 'object')) {
    throw new TreeHashError('ERR_INVALID_INPUT', `expected ListParts output objects, got ${describeValue(pages)}`);
  }
  const partSize = list[0]!.PartSizeInBytes;
  assertValidPartSize(partSize);
  const uploaded = new Map<number, Uint8Array>();
  let shortPart: number | undefined;
  for (const page of list) {
    if (page.PartSizeInBytes !== partSize) {
      throw new TreeHashError('ERR_INVALID_INPUT', `the pages disagree on the part size: ${partSize} and ${describeValue(page.PartSizeInBytes)}`);
    }
    for (const listed of page.Parts ?? []) {
      const part = validatePart(parseRange(String(listed?.RangeInBytes)), { partSize });
      uploaded.set(part.index, toTreeHashBytes(listed.SHA256TreeHash ?? '', `SHA256TreeHash of ${listed.RangeInBytes}`));
      if (part.size < partSize) shortPart = Math.min(shortPart ?? Infinity, part.index);
    }
  }
  const resumeFrom: Uint8Array[] = [];
  while (uploaded.has(resumeFrom.length) && resumeFrom.length !== shortPart) resumeFrom.push(uploaded.get(resumeFrom.length)!);
  return { partSize, resumeFrom, nextByte: resumeFrom.length * partSize, uploaded };
}
