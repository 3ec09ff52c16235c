// Real saved states for the saved-state tests (test/saved-state.test.ts, test/slow/states.slow.ts):
// tree and part hashers, with and without the linear SHA-256, at sizes that put bytes in every
// field of the format (src/core/saved-state.ts); what restoring them must give; and which bytes a
// forged state (check recomputed) may change unnoticed.
import { expect } from 'vitest';
import {
  KERNEL_STATE_SIZE,
  type KernelRecord,
  type PartHasherState,
  type SavedState,
  type StateSeal,
  decodeState,
} from '../src/core/saved-state.js';
import { TreeHashError } from '../src/core/errors.js';
import { createTreeHasher, sha256, toHex } from '../src/index.js';
import { createPartHasher } from '../src/upload/index.js';
import { KERNEL_BUILD_SHA256, acquireKernel, releaseKernel } from '../src/kernel/wasm.js';
import { randomBytes } from './helpers.js';
import { MIB, referenceSha256Hex, referenceTreeHashHex } from './reference.js';

export const seal: StateSeal = { build: KERNEL_BUILD_SHA256, sha256: (bytes) => sha256(bytes, { engine: 'wasm' }) };
export const DATA = randomBytes(5 * MIB + 12345, 7);
/** A case may take this long (the bug: a changed byte made digest() run for seconds). */
export const BOUND_MS = 250;

// ---------------------------------------------------------------------------------------------
// Real states. Until the hashers write this format themselves, their save() bytes (format 1: a
// 48-byte header, then the region; a part hasher's 28-byte header, hashes, then two such states)
// give the real kernel regions.

function treeRecordFromV1(v1: Uint8Array): KernelRecord {
  return { size: new DataView(v1.buffer, v1.byteOffset).getFloat64(8, true), closed: v1[5] === 1, region: v1.slice(48) };
}

function partStateFromV1(v1: Uint8Array): PartHasherState {
  const view = new DataView(v1.buffer, v1.byteOffset, v1.byteLength);
  const [partSize, count, partLength, wholeLength] = [view.getFloat64(8, true), view.getUint32(16, true), view.getUint32(20, true), view.getUint32(24, true)];
  const hashes = Array.from({ length: count }, (_, i) => v1.slice(28 + 32 * i, 60 + 32 * i));
  const partAt = 28 + 32 * count;
  const part = treeRecordFromV1(v1.subarray(partAt, partAt + partLength));
  const whole = wholeLength > 0 ? treeRecordFromV1(v1.subarray(partAt + partLength)) : undefined;
  return { kind: 'part', partSize, partTreeHashes: hashes, part: part.size > 0 ? part : undefined, whole };
}

export interface Case {
  name: string;
  state: SavedState;
  /** The bytes the hasher had seen. */
  size: number;
}

export function treeCase(linear: boolean, size: number): Case {
  const hasher = createTreeHasher({ linear, engine: 'wasm' }).update(DATA.subarray(0, size));
  return { name: `tree, linear ${linear}, ${size} bytes`, state: { kind: 'tree', hasher: treeRecordFromV1(hasher.save()) }, size };
}

export function partCase(linear: boolean, size: number): Case {
  const hasher = createPartHasher({ partSize: MIB, linear });
  hasher.update(DATA.subarray(0, size));
  return { name: `part, linear ${linear}, ${size} bytes`, state: partStateFromV1(hasher.save()), size };
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
const closedHasher = createTreeHasher({ engine: 'wasm' }).update(DATA.subarray(0, 2 * MIB)).appendTreeHash(new Uint8Array(32).fill(9), MIB + 5);
export const CLOSED: Case = { name: 'tree closed by a final subtree', state: { kind: 'tree', hasher: treeRecordFromV1(closedHasher.save()) }, size: 3 * MIB + 5 };

// ---------------------------------------------------------------------------------------------
// Loading records into kernel instances and finishing them: "the right hash".

function finishRecord(record: KernelRecord): { tree: string; linear?: string } {
  const kernel = acquireKernel(true);
  try {
    kernel.memory.set(record.region, kernel.statePtr);
    kernel.exports.finish();
    const out = kernel.memory.slice(kernel.outputPtr, kernel.outputPtr + 64);
    // Without the linear flag the kernel leaves the second half of its output alone.
    return { tree: toHex(out.subarray(0, 32)), ...((record.region[0]! & 1) !== 0 ? { linear: toHex(out.subarray(32)) } : {}) };
  } finally {
    releaseKernel(kernel);
  }
}

/** What restoring and finishing a decoded state gives: the tree hash, part hashes, SHA-256s. */
export function finishState(state: SavedState): unknown {
  if (state.kind === 'tree') return { size: state.hasher.size, ...finishRecord(state.hasher) };
  return {
    parts: state.partTreeHashes.map(toHex),
    part: state.part && { size: state.part.size, ...finishRecord(state.part) },
    whole: state.whole && { size: state.whole.size, linear: finishRecord(state.whole).linear },
  };
}

/** The reference's answer for a case. */
export function expected(c: Case): unknown {
  const seen = DATA.subarray(0, c.size);
  if (c.state.kind === 'tree') {
    const linear = c.state.hasher.region[0] === 1;
    return { size: c.size, tree: referenceTreeHashHex(seen), ...(linear ? { linear: referenceSha256Hex(seen) } : {}) };
  }
  const done = Math.floor(c.size / MIB);
  const rest = seen.subarray(done * MIB);
  return {
    parts: Array.from({ length: done }, (_, i) => referenceTreeHashHex(seen.subarray(i * MIB, (i + 1) * MIB))),
    part: rest.length > 0 ? { size: rest.length, tree: referenceTreeHashHex(rest), linear: referenceSha256Hex(rest) } : undefined,
    whole: c.state.whole ? { size: c.size, linear: referenceSha256Hex(seen) } : undefined,
  };
}

const kindOf = (bytes: Uint8Array) => (bytes[5] === 1 ? 'tree' : 'part') as 'tree';

/** Decodes, and on success restores and finishes, in bounded time; never a raw error. */
export function attempt(bytes: Uint8Array): { refused: TreeHashError } | { result: unknown } {
  const started = performance.now();
  try {
    const decoded = decodeState(bytes, kindOf(bytes), seal);
    return { result: finishState(decoded) };
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
 * have hashed bytes, block bytes held, stack digests, part tree hashes, and (without the whole
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
    for (const ctx of [r + 32, r + 144]) {
      const total = Number(view.getBigUint64(ctx + 32, true));
      if (total >= 64) span(ctx, ctx + 32);
      span(ctx + 48, ctx + 48 + view.getUint32(ctx + 40, true));
    }
    span(r + 512, r + 512 + 32 * view.getUint32(r + 4, true));
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
