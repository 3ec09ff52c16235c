// glacier-treehash: what most users need — one-shot and incremental tree hashing, combining tree
// hashes, hex, errors, constants and engines. Universal (no I/O, no node: imports): runs in Node,
// browsers and edge runtimes; the Wasm kernel is embedded. Multipart uploads are in
// glacier-treehash/upload, retrieval ranges and verification in glacier-treehash/retrieval, files
// and streams in glacier-treehash/node and glacier-treehash/web.
export { MiB, LEAF_SIZE, DIGEST_LENGTH } from './core/constants.js';
export { TreeHashError, type TreeHashErrorCode } from './core/errors.js';
export { TreeHashMismatchError } from './core/mismatch.js';
export { toHex, fromHex } from './core/hex.js';
export type { BytesLike } from './core/bytes.js';
export type { TreeHashLike } from './core/digest.js';
export { type TreeHasher, type TreeHasherOptions, type Checksums, createTreeHasher, createChecksums, restoreTreeHasher } from './hash/tree-hasher.js';
export { treeHash, computeChecksums, sha256 } from './hash/one-shot.js';
export { combineTreeHashes } from './hash/combine.js';
export { ENGINES, type Engine, type EngineOptions, type EngineInfo, engineInfo } from './hash/engine.js';
export { type KernelModuleSource, setKernelModule } from './kernel/wasm.js';
// Progress reports of the long-running calls (hashFile, hashBlob, hashParts, …), one shape everywhere.
export { type HashProgress, type ProgressCallback, PROGRESS_STEP } from './stream/progress.js';
