// glacier-treehash/web: Web Streams and Blobs (browsers, edge runtimes, Node).
export { hashWebStream, hashBlob, type HashBlobOptions } from './streams.js';
export type { HashStreamOptions, TreeChecksum } from '../stream/chunks.js';
export type { HashProgress, ProgressCallback } from '../stream/progress.js';
export { PROGRESS_STEP } from '../stream/progress.js';
export { createVerifier, verifyBlob, type VerifyBlobOptions } from './verify.js';
export { hashBlobParts, hashWebStreamParts, isBlob, type HashBlobPartsOptions } from './parts.js';
