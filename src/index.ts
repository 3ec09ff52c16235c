// glacier-treehash: the universal core (no I/O, no node: imports). Runs in Node, browsers and
// edge runtimes; the Wasm kernel is embedded.
export { MiB, LEAF_SIZE, DIGEST_LENGTH } from './constants.js';
export { TreeHashError, type TreeHashErrorCode } from './errors.js';
export { toHex, fromHex } from './hex.js';
export { type BytesLike } from './bytes.js';
export {
  TreeHasher,
  type TreeHasherOptions,
  type Checksums,
  createTreeHasher,
  createChecksums,
  restoreTreeHasher,
  treeHash,
  computeChecksums,
  sha256,
} from './hasher.js';
export { combineTreeHashes } from './tree.js';
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
  parseSize,
} from './multipart.js';
export {
  type PartChecksums,
  type MultipartChecksums,
  type LinearHash,
  type PartHasherOptions,
  type HashPartsOptions,
  type PartHashing,
  type ListedUpload,
  PartHasher,
  createPartHasher,
  restorePartHasher,
  hashParts,
  archiveTreeHashFromParts,
  resumeFromListParts,
} from './parts.js';
