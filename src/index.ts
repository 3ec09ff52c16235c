// glacier-treehash: the universal core (no I/O, no node: imports). Runs in Node, browsers and
// edge runtimes; the Wasm kernel is embedded.
export { MiB, LEAF_SIZE, DIGEST_LENGTH } from './core/constants.js';
export { TreeHashError, type TreeHashErrorCode } from './core/errors.js';
export { toHex, fromHex } from './core/hex.js';
export { type BytesLike } from './core/bytes.js';
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
} from './hash/tree-hasher.js';
export { combineTreeHashes } from './hash/combine.js';
export { ENGINES, type Engine, type EngineOptions } from './hash/engine.js';
// Progress reports of the long-running calls (hashFile, hashBlob, …), one shape everywhere.
export { type HashProgress, type ProgressCallback, PROGRESS_STEP } from './stream/chunks.js';
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
} from './upload/plan.js';
export {
  type PartChecksums,
  type MultipartChecksums,
  type LinearHash,
  type PartHasherOptions,
  type RestorePartHasherOptions,
  type HashPartsOptions,
  type PartHashing,
  type ListedUpload,
  PartHasher,
  createPartHasher,
  restorePartHasher,
  hashParts,
  archiveTreeHashFromParts,
  resumeFromListParts,
} from './upload/part-hasher.js';
// Retrieval: range rules, download plans, verification, leaf manifests.
export {
  type ByteRange,
  type AlignedCovers,
  type ChecksumQuery,
  type DownloadPlanOptions,
  type DownloadChunk,
  type DownloadPlanSummary,
  type DownloadPlan,
  isValidRetrievalRange,
  explainRetrievalRange,
  isTreeHashAligned,
  explainTreeHashAlignment,
  alignRange,
  parseRange,
  formatRetrievalRange,
  formatHttpRange,
  expectsChecksum,
  explainChecksumExpectation,
  planDownload,
  describeDownloadPlan,
  downloadChunks,
  alignedRangesForLeaves,
} from './retrieval/ranges.js';
export {
  type TreeHashLike,
  type VerifyOptions,
  type VerifyTreeHashOptions,
  type VerifySource,
  type VerifiedChunk,
  type DownloadChunks,
  type VerifyDownloadOptions,
  type JobOutputResponse,
  type JobOutputVerdict,
  TreeHashMismatchError,
  TreeHashCheck,
  toTreeHashBytes,
  assertTreeHashEquals,
  createTreeHashCheck,
  verifyTreeHash,
  verifyTreeHashSync,
  combineChunkTreeHashes,
  verifyDownload,
  verifyJobOutput,
} from './retrieval/verify.js';
export {
  type ManifestComparison,
  LeafManifest,
  LeafManifestBuilder,
  LEAF_MANIFEST_MAGIC,
  LEAF_MANIFEST_VERSION,
  createLeafManifest,
  createLeafManifestBuilder,
  decodeLeafManifest,
  compareWithManifest,
} from './retrieval/manifest.js';
