// Real saved states for the saved-state tests (test/saved-state.test.ts, test/slow/states.slow.ts):
// what save() returns for tree and part hashers, with and without the linear SHA-256, at sizes
// that put bytes in every field of the format (src/core/saved-state.ts); what restoring them and
// going on must give (the reference's hashes); and which bytes a forged state (check recomputed)
// may change unnoticed.
import { expect } from 'vitest';
import { KERNEL_STATE_SIZE, type SavedState, type StateSeal, decodeState } from '../src/core/saved-state.js';
import { TreeHashError } from '../src/core/errors.js';
import { createTreeHasher, restoreTreeHasher, sha256, toHex } from '../src/index.js';
import { createPartHasher, restorePartHasher } from '../src/upload/index.js';
import { KERNEL_BUILD_SHA256 } from '../src/kernel/wasm.js';
import { randomBytes } from './helpers.js';
import { MIB, referenceSha256Hex, referenceTreeHashHex } from './reference.js';

/** The seal of this release, built here from its parts (the kernel build, a SHA-256). */
export const seal: StateSeal = { build: KERNEL_BUILD_SHA256, sha256: (bytes) => sha256(bytes, { engine: 'wasm' }) };
export const DATA = randomBytes(5 * MIB + 12345, 7);
/** A case may take this long (the bug: a changed byte made digest() run for seconds). */
export const BOUND_MS = 250;
/** Bytes fed to a restored hasher before it finishes. */
const TAIL = 1000;

export interface Case {
  name: string;
  /** The state's fields, as decodeState reads save()'s bytes (encodeState gives those bytes back). */
  state: SavedState;
  /** The bytes the hasher had seen. */
  size: number;
  /** What restoring, feeding the next TAIL bytes and finishing gives (see {@link attempt}). */
  expected: unknown;
}

export function treeCase(linear: boolean, size: number): Case {
  const bytes = createTreeHasher({ linear, engine: 'wasm' }).update(DATA.subarray(0, size)).save();
  const seen = DATA.subarray(0, size + TAIL);
  return {
    name: `tree, linear ${linear}, ${size} bytes`,
    state: decodeState(bytes, 'tree', seal),
    size,
    expected: { tree: referenceTreeHashHex(seen), ...(linear ? { sha256: referenceSha256Hex(seen) } : {}) },
  };
}

export function partCase(linear: boolean, size: number): Case {
  const hasher = createPartHasher({ partSize: MIB, linear });
  hasher.update(DATA.subarray(0, size));
  const seen = DATA.subarray(0, size + TAIL);
  const parts: string[] = [];
  for (let start = Math.floor(size / MIB) * MIB; start < seen.length; start += MIB) parts.push(referenceTreeHashHex(seen.subarray(start, start + MIB)));
  return {
    name: `part, linear ${linear}, ${size} bytes`,
    state: decodeState(hasher.save(), 'part', seal),
    size,
    expected: { parts, tree: referenceTreeHashHex(seen), sha256: linear ? referenceSha256Hex(seen) : undefined },
  };
}

export const CASES: Case[] = [
  treeCase(false, 0),
  treeCase(true, 3 * MIB + 100), // stack depth 2, a partial leaf, a partial block
  treeCase(false, 5 * MIB), // depth 2 after merges, leaf empty
  treeCase(true, 77),
  partCase(true, 2 * MIB + 999), // two parts, one in progress, the whole SHA-256
  partCase(false, 3 * MIB), // parts only
  partCase(true, MIB + 64), // a part in progress that ends on a block boundary
];

/** A closed tree: a final shorter subtree appended (only the tree, no linear SHA-256). */
const closedHasher = createTreeHasher({ engine: 'wasm' })
  .update(DATA.subarray(0, 2 * MIB))
  .appendTreeHash(new Uint8Array(32).fill(9), MIB + 5);
export const CLOSED: Case = {
  name: 'tree closed by a final subtree',
  state: decodeState(closedHasher.save(), 'tree', seal),
  size: 3 * MIB + 5,
  expected: { tree: closedHasher.copy().digest('hex') },
};

/** Restores `bytes` through the public API, feeds the bytes after the saved point and finishes. */
function restoreAndFinish(bytes: Uint8Array): unknown {
  if (bytes[5] === 1) {
    const hasher = restoreTreeHasher(bytes);
    const closed = decodeState(bytes, 'tree', seal).hasher.closed;
    if (!closed) hasher.update(DATA.subarray(hasher.size, hasher.size + TAIL));
    if (!hasher.linear) return { tree: hasher.digest('hex') };
    const { treeHash, sha256: linear } = hasher.digestChecksums();
    return { tree: toHex(treeHash), sha256: toHex(linear) };
  }
  const hasher = restorePartHasher(bytes);
  const parts = hasher.update(DATA.subarray(hasher.size, hasher.size + TAIL)).map((part) => toHex(part.treeHash));
  const { lastPart, result } = hasher.finish();
  if (lastPart) parts.push(toHex(lastPart.treeHash));
  return { parts, tree: toHex(result.treeHash), sha256: result.sha256 && toHex(result.sha256) };
}

/** Restores and finishes in bounded time: refused with a TreeHashError, or a result; never a raw error. */
export function attempt(bytes: Uint8Array): { refused: TreeHashError } | { result: unknown } {
  const started = performance.now();
  try {
    return { result: restoreAndFinish(bytes) };
  } catch (error) {
    if (!(error instanceof TreeHashError)) throw error;
    return { refused: error };
  } finally {
    expect(performance.now() - started).toBeLessThan(BOUND_MS);
  }
}

export const reseal = (bytes: Uint8Array) => bytes.set(seal.sha256(bytes.subarray(0, bytes.length - 32)), bytes.length - 32);

/**
 * Offsets whose change a forged state may carry unnoticed: SHA-256 state words of contexts that
 * have hashed a block, block bytes held, stack digests, part tree hashes, and (without the whole
 * SHA-256 to contradict it) the part size. Everything else is bookkeeping the kernel relies on.
 */
export function opaqueBytes(bytes: Uint8Array): Set<number> {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const opaque = new Set<number>();
  const span = (from: number, to: number) => {
    for (let i = from; i < to; i++) opaque.add(i);
  };
  const record = (at: number) => {
    // A closed tree ends anywhere inside its final subtree, which the state knows by its hash alone.
    if (bytes[at + 8] === 1) span(at, at + 8);
    const r = at + 16;
    // An empty tree hasher is as valid with the linear SHA-256 as without.
    if (view.getBigUint64(at, true) === 0n) opaque.add(r);
    // Bytes the kernel never reads, and data it cannot check: the reserved words, each context's
    // state words, padding and block, the stack's levels past its depth and every stack digest.
    span(r + 16, r + 32);
    for (const ctx of [r + 32, r + 144]) {
      span(ctx, ctx + 32);
      span(ctx + 44, ctx + 112);
    }
    span(r + 256 + 4 * view.getUint32(r + 4, true), r + 512);
    span(r + 512, r + 2560);
    return at + 16 + KERNEL_STATE_SIZE;
  };
  if (bytes[5] === 1) {
    record(44);
    return opaque;
  }
  const count = view.getUint32(52, true);
  const flags = bytes[56]!;
  if ((flags & 2) === 0) span(44, 52);
  span(60, 60 + 32 * count);
  let at = 60 + 32 * count;
  if (flags & 1) at = record(at);
  if (flags & 2) record(at);
  return opaque;
}
