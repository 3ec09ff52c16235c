// glacier-treehash/node: files and Node streams.
export { hashFile, hashStream, type HashFileOptions } from './files.js';
export type { HashStreamOptions, TreeChecksum } from '../stream/chunks.js';
export type { HashProgress, ProgressCallback } from '../stream/progress.js';
export { PROGRESS_STEP } from '../stream/progress.js';
export { createVerifier, type TreeHashVerifier } from './verify.js';
export { manifestOfFile, readLeafManifest, writeLeafManifest, type ManifestOfFileOptions } from './manifest.js';
export { hashFileParts } from './parts.js';
export { nodeSha256 } from './crypto.js';
export { hashFiles, type HashFilesOptions, type FileHashResult } from './many.js';
export { hashFileForS3, hashStreamForS3, type HashForS3Options } from './s3.js';
export { identifyFile, verifyFileForS3, type FileVerification, type VerifyForS3Options } from './s3-check.js';
export { auditVault, type AuditOptions, type AuditFileHasher } from './audit.js';
export * from '../audit/index.js';
