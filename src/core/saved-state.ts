/**
 * The one saved-state format of the hashers: what `TreeHasher.save()` and `PartHasher.save()`
 * return, and what `restoreTreeHasher()` / `restorePartHasher()` take back. Pure: no kernel, no
 * I/O; the caller hands in the kernel build's id and a SHA-256 (the Wasm or JS one, available on
 * every runtime), so this module runs anywhere.
 *
 * A state is refused (`ERR_INVALID_STATE`), promptly and before any of it reaches the kernel,
 * unless every byte is as `save()` wrote it: a SHA-256 check over the whole state catches damage,
 * and every field is validated on its own and against the others, so that even a state forged
 * with a correct check cannot make the kernel read out of bounds, loop, or mistake a size.
 *
 * Layout, version 2; integers little-endian, every byte not named below is zero:
 *
 *     offset  bytes  field
 *     0       4      magic "GTHS"
 *     4       1      format version: 2
 *     5       1      kind: 1 tree hasher, 2 part hasher
 *     8       32     the kernel build: SHA-256 of the release's scalar Wasm build (its state layout)
 *     40      4      body length B
 *     44      B      body, by kind (below)
 *     44 + B  32     check: SHA-256 of bytes [0, 44 + B)
 *
 * A *record* is one kernel instance's state: size (u64, bytes hashed) at 0, flags at 8 (1: closed,
 * a final shorter subtree was appended), then from 16 the kernel's 2,560-byte state region
 * (assembly/tree.ts): +0 kernel flags (1 linear SHA-256, 2 no tree), +4 stack depth, +8 leaves
 * (u64), +32 and +144 two SHA-256 contexts (linear, current leaf: eight state words, total bytes
 * u64 at +32, block fill u32 at +40, block at +48), +256 stack levels (u32 × 64), +512 stack
 * digests (32 × 64). Bytes the kernel never reads (block bytes past the fill, stack slots past the
 * depth) are saved as they are and not checked.
 *
 * Tree body: one record. Part body: part size (u64) at 0, N part tree hashes (u32) at 8, flags at
 * 12 (1: a part in progress, 2: the whole archive's SHA-256), from 16 the N hashes (32 bytes each),
 * then the record of the part in progress (flag 1), then that of the whole-archive SHA-256 (flag 2).
 */
import { DIGEST_LENGTH, LEAF_SIZE, MiB } from './constants.js';
import { TreeHashError, describeValue } from './errors.js';
import { fromHex } from './hex.js';

/** The version this release writes and reads. */
export const STATE_FORMAT_VERSION = 2;
/** Bytes of the kernel's state region (assembly/tree.ts STATE_SIZE). */
export const KERNEL_STATE_SIZE = 2560;
/** Kernel flags (assembly/tree.ts). */
export const KERNEL_FLAG_LINEAR = 1;
export const KERNEL_FLAG_NO_TREE = 2;

const MAGIC = [0x47, 0x54, 0x48, 0x53]; // "GTHS"
const KINDS = { tree: 1, part: 2 } as const;
const HEADER = 44;
const CHECK = 32;
const RECORD_HEADER = 16;
const RECORD = RECORD_HEADER + KERNEL_STATE_SIZE;
const RECORD_CLOSED = 1;
const PART_HEADER = 16;
const PART_IN_PROGRESS = 1;
const PART_WHOLE = 2;
// Upload limits (src/multipart.ts): 10,000 parts of 1 MiB × 2^k, k ≤ 12.
const MAX_PARTS = 10_000;
const MAX_PART_SIZE = 4096 * MiB;
const MAX_STATE = HEADER + PART_HEADER + MAX_PARTS * DIGEST_LENGTH + 2 * RECORD + CHECK;

// The kernel's state region (assembly/tree.ts, sha256.ts).
const R_FLAGS = 0;
const R_DEPTH = 4;
const R_LEAVES = 8;
const R_LINEAR_CTX = 32;
const R_LEAF_CTX = 144;
const R_LEVELS = 256;
const R_DIGESTS = 512;
const CTX_TOTAL = 32;
const CTX_FILL = 40;
const CTX_BLOCK = 48;
const BLOCK = 64;
const MAX_DEPTH = 64;
/** pushNode refuses level 48 and up; no archive needs more than 2^33 leaves. */
const MAX_LEVEL = 47;

/** One kernel instance's saved state. */
export interface KernelRecord {
  /** Bytes hashed (for a tree closed by a final subtree, the bytes that subtree stands for included). */
  readonly size: number;
  /** A final, shorter subtree was appended: nothing may follow. */
  readonly closed: boolean;
  /** The kernel's state region, {@link KERNEL_STATE_SIZE} bytes. */
  readonly region: Uint8Array;
}

/** A TreeHasher's state. */
export interface TreeHasherState {
  readonly kind: 'tree';
  readonly hasher: KernelRecord;
}

/** A PartHasher's state. */
export interface PartHasherState {
  readonly kind: 'part';
  readonly partSize: number;
  /** The tree hashes of the parts done (resumed ones included), in order. */
  readonly partTreeHashes: readonly Uint8Array[];
  /** The part in progress (its tree and SHA-256), when it has bytes. */
  readonly part: KernelRecord | undefined;
  /** The whole archive's SHA-256 (a kernel without a tree), when it is carried. */
  readonly whole: KernelRecord | undefined;
}

export type SavedState = TreeHasherState | PartHasherState;

/** What seals a state: the kernel build it belongs to, and the SHA-256 for its check. */
export interface StateSeal {
  /** The kernel build's id, 64 hex digits (KERNEL_BUILD_SHA256). */
  readonly build: string;
  readonly sha256: (bytes: Uint8Array) => Uint8Array;
}

const WHAT = { tree: 'tree hasher', part: 'part hasher' } as const;
/** Why a state whose check matched is still refused (forged, or a bug): fields that cannot go together. */
const DISAGREE = 'its fields disagree';

/**
 * The bytes of `state`, sealed with `seal`.
 * @example encodeState({ kind: 'tree', hasher: { size, closed: false, region } }, seal)
 */
export function encodeState(state: SavedState, seal: StateSeal): Uint8Array {
  const records = state.kind === 'tree' ? [state.hasher] : [state.part, state.whole].filter((r) => r !== undefined);
  const hashes = state.kind === 'part' ? state.partTreeHashes : [];
  const bodyLength = (state.kind === 'part' ? PART_HEADER + hashes.length * DIGEST_LENGTH : 0) + records.length * RECORD;
  const out = new Uint8Array(HEADER + bodyLength + CHECK);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[4] = STATE_FORMAT_VERSION;
  out[5] = KINDS[state.kind];
  out.set(fromHex(seal.build, 32), 8);
  view.setUint32(40, bodyLength, true);
  let offset = HEADER;
  if (state.kind === 'part') {
    view.setBigUint64(offset, BigInt(state.partSize), true);
    view.setUint32(offset + 8, hashes.length, true);
    out[offset + 12] = (state.part ? PART_IN_PROGRESS : 0) | (state.whole ? PART_WHOLE : 0);
    offset += PART_HEADER;
    for (const hash of hashes) {
      out.set(hash, offset);
      offset += DIGEST_LENGTH;
    }
  }
  for (const record of records) {
    view.setBigUint64(offset, BigInt(record.size), true);
    out[offset + 8] = record.closed ? RECORD_CLOSED : 0;
    out.set(record.region, offset + RECORD_HEADER);
    offset += RECORD;
  }
  out.set(seal.sha256(out.subarray(0, offset)), offset);
  return out;
}

/**
 * Checks saved-state bytes of the hasher `kind` and returns their fields; the regions are copies,
 * valid to load into a kernel instance as they are.
 * @throws {TreeHashError} `ERR_INVALID_STATE` for anything but bytes `save()` wrote for this kind
 *   and kernel build: another kind, format or build, damage (the check), or fields that disagree.
 */
export function decodeState(state: unknown, kind: 'tree', seal: StateSeal): TreeHasherState;
export function decodeState(state: unknown, kind: 'part', seal: StateSeal): PartHasherState;
export function decodeState(state: unknown, kind: 'tree' | 'part', seal: StateSeal): SavedState {
  const invalid = (why: string): never => {
    throw new TreeHashError('ERR_INVALID_STATE', `cannot restore the ${WHAT[kind]}: ${why}`);
  };
  if (!(state instanceof Uint8Array)) return invalid(`expected the bytes of save(), got ${describeValue(state)}`);
  const bytes = state;
  if (bytes.length < HEADER + CHECK || MAGIC.some((b, i) => bytes[i] !== b)) {
    return invalid('not a saved state');
  }
  const build = fromHex(seal.build, 32);
  // Another format version or kernel build: another release saved it.
  if (bytes[4] !== STATE_FORMAT_VERSION || build.some((b, i) => bytes[8 + i] !== b)) return invalid('it was saved by another release');
  if (bytes[5] !== KINDS[kind] || bytes[6] !== 0 || bytes[7] !== 0) return invalid(`it is not a ${WHAT[kind]}'s state`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bodyLength = view.getUint32(40, true);
  if (bytes.length > MAX_STATE || bodyLength !== bytes.length - HEADER - CHECK) {
    return invalid('its length does not match its header');
  }
  const check = seal.sha256(bytes.subarray(0, HEADER + bodyLength));
  if (check.some((b, i) => bytes[HEADER + bodyLength + i] !== b)) {
    return invalid('its check does not match: it was changed or damaged');
  }
  return kind === 'tree' ? decodeTree(view, bodyLength, invalid) : decodePart(view, bodyLength, invalid);
}

function decodeTree(view: DataView, bodyLength: number, invalid: (why: string) => never): TreeHasherState {
  if (bodyLength !== RECORD) return invalid(DISAGREE);
  return { kind: 'tree', hasher: readRecord(view, HEADER, 'tree', invalid) };
}

function decodePart(view: DataView, bodyLength: number, invalid: (why: string) => never): PartHasherState {
  const base = HEADER;
  const partSize = readSize(view, base, 'part size', invalid);
  if (partSize < MiB || partSize > MAX_PART_SIZE || (partSize & (partSize - 1)) !== 0) {
    return invalid(DISAGREE);
  }
  const count = view.getUint32(base + 8, true);
  const flags = view.getUint8(base + 12);
  if ((flags & ~(PART_IN_PROGRESS | PART_WHOLE)) !== 0 || !zeros(view, base + 13, base + PART_HEADER)) {
    return invalid(DISAGREE);
  }
  if (count > MAX_PARTS) return invalid(DISAGREE);
  const hasPart = (flags & PART_IN_PROGRESS) !== 0;
  const hasWhole = (flags & PART_WHOLE) !== 0;
  const expected = PART_HEADER + count * DIGEST_LENGTH + (hasPart ? RECORD : 0) + (hasWhole ? RECORD : 0);
  if (bodyLength !== expected) return invalid(DISAGREE);
  const partTreeHashes: Uint8Array[] = [];
  let offset = base + PART_HEADER;
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  for (let i = 0; i < count; i++, offset += DIGEST_LENGTH) partTreeHashes.push(bytes.slice(offset, offset + DIGEST_LENGTH));
  const part = hasPart ? readRecord(view, offset, 'part', invalid) : undefined;
  if (part !== undefined) {
    offset += RECORD;
    if (part.size === 0 || part.size >= partSize) return invalid(DISAGREE);
    if (count >= MAX_PARTS) return invalid(DISAGREE);
  }
  const whole = hasWhole ? readRecord(view, offset, 'linear', invalid) : undefined;
  const size = count * partSize + (part?.size ?? 0);
  if (whole !== undefined && whole.size !== size) {
    return invalid(DISAGREE);
  }
  return { kind: 'part', partSize, partTreeHashes, part, whole };
}

/** A u64 byte count that must be a safe integer. */
function readSize(view: DataView, offset: number, what: string, invalid: (why: string) => never): number {
  const value = view.getBigUint64(offset, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return invalid(DISAGREE);
  return Number(value);
}

function zeros(view: DataView, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (view.getUint8(i) !== 0) return false;
  return true;
}

/**
 * Reads one record and checks its region for its role: `tree` a TreeHasher (tree, maybe the
 * linear SHA-256), `part` a part in progress (tree and linear SHA-256), `linear` a SHA-256 alone.
 */
function readRecord(view: DataView, offset: number, role: 'tree' | 'part' | 'linear', invalid: (why: string) => never): KernelRecord {
  const size = readSize(view, offset, 'size', invalid);
  const recordFlags = view.getUint8(offset + 8);
  const closed = recordFlags === RECORD_CLOSED;
  const start = view.byteOffset + offset + RECORD_HEADER;
  const region = new Uint8Array(view.buffer.slice(start, start + KERNEL_STATE_SIZE) as ArrayBuffer);
  if (
    (recordFlags & ~RECORD_CLOSED) !== 0 ||
    !zeros(view, offset + 9, offset + RECORD_HEADER) ||
    !regionFits(new DataView(region.buffer), role, size, closed)
  ) {
    invalid(DISAGREE);
  }
  return { size, closed, region };
}

/**
 * Whether a region is a state the kernel can continue from for `role`, `size` and `closed`: flags
 * of the role, each SHA-256 context's block fill its byte count mod 64, the linear count `size`,
 * a stack of at most 64 strictly decreasing levels adding up to the leaves, a current leaf under
 * 1 MiB, and leaves and leaf together `size` bytes (closed: `size` inside the last node pushed).
 */
function regionFits(r: DataView, role: 'tree' | 'part' | 'linear', size: number, closed: boolean): boolean {
  const flags = r.getUint32(R_FLAGS, true);
  const linearTotal = contextTotal(r, R_LINEAR_CTX);
  const leafFill = contextTotal(r, R_LEAF_CTX);
  const depth = r.getUint32(R_DEPTH, true);
  const linear = (flags & KERNEL_FLAG_LINEAR) !== 0;
  if (!(role === 'tree' ? flags <= KERNEL_FLAG_LINEAR : flags === (role === 'part' ? KERNEL_FLAG_LINEAR : KERNEL_FLAG_LINEAR | KERNEL_FLAG_NO_TREE)))
    return false;
  if (linearTotal < 0 || leafFill < 0 || linearTotal !== (linear ? size : 0) || depth > MAX_DEPTH) return false;
  let leaves = 0;
  let below = MAX_LEVEL + 1;
  for (let i = 0; i < depth; i++) {
    const level = r.getUint32(R_LEVELS + 4 * i, true);
    if (level >= below) return false;
    below = level;
    leaves += 2 ** level;
  }
  if (BigInt(leaves) !== r.getBigUint64(R_LEAVES, true)) return false;
  if ((flags & KERNEL_FLAG_NO_TREE) !== 0) return depth === 0 && leafFill === 0 && !closed;
  const treeBytes = leaves * LEAF_SIZE + leafFill;
  if (!closed) return leafFill < LEAF_SIZE && treeBytes === size;
  // Closed by appendTreeHash() of a final shorter piece (a tree hasher without the linear SHA-256):
  // the size ends inside the last node pushed, which is at most the lowest one on the stack.
  return role === 'tree' && flags === 0 && leafFill === 0 && depth > 0 && size > treeBytes - 2 ** below * LEAF_SIZE && size < treeBytes;
}

/** A SHA-256 context's byte count; -1 when its block fill does not match it or it is beyond 2^53 − 1. */
function contextTotal(r: DataView, ctx: number): number {
  const total = r.getBigUint64(ctx + CTX_TOTAL, true);
  return total <= BigInt(Number.MAX_SAFE_INTEGER) && r.getUint32(ctx + CTX_FILL, true) === Number(total % BigInt(BLOCK)) ? Number(total) : -1;
}
