// glacier-treehash/retrieval: getting archives back — which ranges a retrieval job accepts and which
// come back with a checksum, download plans in tree-hash-aligned pieces, verification of bodies and
// whole downloads, and leaf manifests (the tree hash of any range without the data). Universal: no
// I/O of its own (Node and Web stream verifiers: glacier-treehash/node and glacier-treehash/web).
export { type ByteRange, parseRange, formatRetrievalRange, formatHttpRange } from '../core/byte-range.js';
export { type TreeHashLike, toTreeHashBytes } from '../core/digest.js';
export { TreeHashMismatchError } from '../core/mismatch.js';
export {
  type AlignedCovers,
  type ChecksumQuery,
  isValidRetrievalRange,
  explainRetrievalRange,
  isTreeHashAligned,
  explainTreeHashAlignment,
  alignRange,
  expectsChecksum,
  explainChecksumExpectation,
} from './ranges.js';
export {
  type DownloadPlanOptions,
  type DownloadChunk,
  type DownloadPlanSummary,
  type DownloadPlan,
  MAX_PLAN_CHUNKS,
  planDownload,
  describeDownloadPlan,
  downloadChunks,
  alignedRangesForLeaves,
} from './download-plan.js';
export {
  type VerifyOptions,
  type VerifyTreeHashOptions,
  type VerifySource,
  type JobOutputResponse,
  type JobOutputVerdict,
  type TreeHashCheck,
  assertTreeHashEquals,
  createTreeHashCheck,
  verifyTreeHash,
  verifyTreeHashSync,
  verifyJobOutput,
} from './verify.js';
export { type VerifiedChunk, type DownloadChunks, type VerifyDownloadOptions, combineChunkTreeHashes, verifyDownload } from './verify-download.js';
export { type LeafManifest, LEAF_MANIFEST_MAGIC, LEAF_MANIFEST_VERSION, decodeLeafManifest, leafManifestFromDigests } from './manifest.js';
export { type LeafManifestBuilder, createLeafManifest, createLeafManifestBuilder } from './manifest-builder.js';
export { type ManifestComparison, compareWithManifest } from './manifest-compare.js';
