// glacier-treehash/web: Web Streams and Blobs (browsers, edge runtimes, Node).
export { hashWebStream, hashBlob } from './streams.js';
export type { HashStreamOptions, TreeChecksum, HashProgress, ProgressCallback } from '../stream/chunks.js';
export { PROGRESS_STEP } from '../stream/chunks.js';
export { createVerifier } from './verify.js';
export { hashBlobParts, hashWebStreamParts, isBlob } from './parts.js';
