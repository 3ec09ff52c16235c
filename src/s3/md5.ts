// MD5 for ETags: node:crypto where there is one (the Node adapters hand theirs in; else found
// without a static `node:` import, as the engine resolver finds its SHA-256: process.getBuiltinModule
// on Node >= 20.16), else @noble/hashes' pure-JS md5 (its legacy module), which runs everywhere.
// MD5 is only ever used here for what S3 itself computes with it: ETags.
import { md5 as nobleMd5 } from '@noble/hashes/legacy.js';
import { type Engine, checkEngine } from '../hash/engine.js';

/** A running MD5 (node:crypto's Hash, or noble's). */
export interface Md5Hash {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
}

/** Makes a fresh {@link Md5Hash}. */
export type Md5Factory = () => Md5Hash;
let native: Md5Factory | null | undefined; // undefined: not looked up yet; null: none

function nativeMd5(): Md5Factory | undefined {
  if (native === undefined) {
    native = null;
    const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const createHash = (process?.getBuiltinModule?.('crypto') as { createHash?: (algorithm: string) => Md5Hash } | undefined)?.createHash;
    if (typeof createHash === 'function') native = () => createHash('md5');
  }
  return native ?? undefined;
}

/**
 * @internal A new MD5 for `engine`: for `'auto'` and `'native'`, `given` (the Node adapters pass
 * node:crypto's) or node:crypto where found; else (and for the Wasm engines, which have no MD5)
 * @noble/hashes. Digests are plain Uint8Arrays.
 */
export function md5Factory(engine?: Engine, given?: Md5Factory): Md5Factory {
  const resolved = checkEngine(engine);
  const fast = resolved === 'auto' || resolved === 'native' ? (given ?? nativeMd5()) : undefined;
  if (fast !== undefined) {
    return () => {
      const hash = fast();
      return { update: (data) => hash.update(data), digest: () => new Uint8Array(hash.digest()) };
    };
  }
  return () => nobleMd5.create();
}
