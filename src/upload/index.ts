// glacier-treehash/upload: multipart uploads — part sizes and plans, Content-Range, part checksums
// in one pass (incremental, resumable, or over any source), the archive tree hash from part hashes,
// and resuming from ListParts. Universal: no I/O of its own (files: glacier-treehash/node; Blobs and
// Web Streams: glacier-treehash/web).
export {
  MAX_PARTS,
  MIN_PART_SIZE,
  MAX_PART_SIZE,
  MAX_ARCHIVE_SIZE,
  MAX_SINGLE_UPLOAD_SIZE,
  VALID_PART_SIZES,
  type PlannedPart,
  type MultipartPlan,
  type ContentRange,
  type PartValidationOptions,
  isValidPartSize,
  assertValidPartSize,
  assertValidArchiveSize,
  partCount,
  choosePartSize,
  planParts,
  parseContentRange,
  formatContentRange,
  validatePart,
} from './plan.js';
export { parseSize } from '../core/format.js';
export type { ByteRange } from '../core/byte-range.js';
export type { LinearHash } from '../hash/engine.js';
export type { PartChecksums, MultipartChecksums, PartHasherOptions, RestorePartHasherOptions, HashPartsOptions, PartHashing } from './types.js';
export { type PartHasher, createPartHasher, restorePartHasher } from './part-hasher.js';
export { hashParts } from './hash-parts.js';
export { type ListedUpload, archiveTreeHashFromParts, resumeFromListParts } from './list-parts.js';
