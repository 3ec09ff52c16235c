// node:crypto's SHA-256 for the Node adapters, handed to the engine resolver and the part hashers
// per call: importing glacier-treehash/node registers nothing.
import { type Hash, createHash } from 'node:crypto';
import type { LinearHash } from '../hash/engine.js';

function wrap(hash: Hash): LinearHash {
  return {
    update: (bytes) => hash.update(bytes),
    digest: () => new Uint8Array(hash.digest()),
    copy: () => wrap(hash.copy()),
  };
}

/**
 * node:crypto's SHA-256 as a `LinearHash` (the `linear` option of part hashing takes it).
 * @example hashParts(bytes, { partSize, linear: nodeSha256 })
 */
export function nodeSha256(): LinearHash {
  return wrap(createHash('sha256'));
}

/** node:crypto's MD5, for S3's ETags (s3.ts hands it to glacier-treehash/s3's hashers). */
export function nodeMd5(): LinearHash {
  return wrap(createHash('md5'));
}
