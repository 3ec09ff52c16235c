// glacier-treehash/node: files and Node streams.
export { hashFile, hashStream, type HashFileOptions, type HashStreamOptions, type TreeChecksum } from './files.js';
export { createVerifier, TreeHashVerifier } from './verify.js';
export { manifestOfFile, readLeafManifest, writeLeafManifest, type ManifestOfFileOptions } from './manifest.js';
