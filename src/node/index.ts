// glacier-treehash/node: files and Node streams.
export { hashFile, hashStream, type HashFileOptions } from './files.js';
export type { HashStreamOptions, TreeChecksum, HashProgress, ProgressCallback } from '../streaming.js';
export { PROGRESS_STEP } from '../streaming.js';
export { createVerifier, TreeHashVerifier } from './verify.js';
export { manifestOfFile, readLeafManifest, writeLeafManifest, type ManifestOfFileOptions } from './manifest.js';
export { hashFileParts, nodeSha256 } from './parts.js';
export { hashFiles, type HashFilesOptions, type FileHashResult } from './many.js';
