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
export { ENGINES, type Engine, type EngineOptions } from './engine.js';
