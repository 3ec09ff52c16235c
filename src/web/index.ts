// glacier-treehash/web: Blobs and Files (browsers, workers, edge runtimes; Node 20+ too).
export { hashBlobParts, isBlob } from './parts.js';
