// The kernel's ABI and nothing else. All buffers are static; memory never grows (asconfig.json
// fixes initial = maximum pages). JS writes input at inputPtr(), calls absorb(), and reads
// digests at outputPtr() / leafDigestsPtr().
import { combine32Of, combine64, crc32Update, crc32cUpdate, crc64nvmeUpdate } from './crc';
import { STATE, STATE_SIZE, LEAF_DIGESTS, absorb as treeAbsorb, absorbLinear as treeAbsorbLinear, absorbTree as treeAbsorbTree, leafFill as treeLeafFill, linearBytes as treeLinearBytes, pushNode as treePushNode, treeBytes as treeTreeBytes, treeFinish, treeInit } from './tree';

/** Input window: 4 MiB, 64 KiB aligned above the static data. */
const INPUT_CAPACITY: usize = 4 << 20;
const INPUT: usize = (__heap_base + 0xffff) & ~(<usize>0xffff);
const OUTPUT: usize = memory.data(64, 16); // tree root, then linear SHA-256
const NODE_INPUT: usize = memory.data(32, 16); // a digest given to pushNode()
// The CRCs' running values (finished form, 0 for no bytes): CRC-64/NVME (u64) at +0, CRC-32 (u32)
// at +8, CRC-32C (u32) at +12. Not part of the tree hasher's state: a caller sets them, calls, reads.
// Then, in the same layout, a second value of each for crcCombine().
const CRC_STATE: usize = memory.data(32, 16);

export function inputPtr(): usize { return INPUT; }
export function inputCapacity(): usize { return INPUT_CAPACITY; }
export function outputPtr(): usize { return OUTPUT; }
export function nodeInputPtr(): usize { return NODE_INPUT; }
export function crcStatePtr(): usize { return CRC_STATE; }
export function leafDigestsPtr(): usize { return LEAF_DIGESTS; }
export function statePtr(): usize { return STATE; }
export function stateSize(): usize { return STATE_SIZE; }
/** 0 when the input window fits in memory; the loader refuses a build where it does not. */
export function layoutError(): u32 { return INPUT + INPUT_CAPACITY <= (<usize>memory.size() << 16) ? 0 : 1; }

export function init(flags: u32): void { treeInit(flags); }
/** Absorbs input[offset, offset + length); returns the leaves completed (digests at leafDigestsPtr()). */
export function absorb(offset: usize, length: usize): u32 { return treeAbsorb(INPUT + offset, length); }
/** absorb() for the linear SHA-256 only (the leaves are hashed by another engine). */
export function absorbLinear(offset: usize, length: usize): void { treeAbsorbLinear(INPUT + offset, length); }
/** absorb() for the tree only (the linear SHA-256 is computed by another engine, or not at all). */
export function absorbTree(offset: usize, length: usize): u32 { return treeAbsorbTree(INPUT + offset, length); }
/** Pushes the digest at nodeInputPtr() as a node of 2^level leaves; 0 or an error number (tree.ts). */
export function pushNode(level: u32): u32 { return treePushNode(level, NODE_INPUT); }
/** Finishes; returns the leaves it completed (the last, partial one), digest at leafDigestsPtr(). */
export function finish(): u32 { return treeFinish(OUTPUT); }
export function treeBytes(): f64 { return <f64>treeTreeBytes(); }
export function linearBytes(): f64 { return <f64>treeLinearBytes(); }
export function leafFill(): f64 { return <f64>treeLeafFill(); }

/** Continues the CRC-64/NVME at crcStatePtr() + 0 over input[offset, offset + length). */
export function crc64nvme(offset: usize, length: usize): void { store<u64>(CRC_STATE, crc64nvmeUpdate(load<u64>(CRC_STATE), INPUT + offset, length)); }
/** Continues the CRC-32 at crcStatePtr() + 8 over input[offset, offset + length). */
export function crc32(offset: usize, length: usize): void { store<u32>(CRC_STATE, crc32Update(load<u32>(CRC_STATE, 8), INPUT + offset, length), 8); }
/** Continues the CRC-32C at crcStatePtr() + 12 over input[offset, offset + length). */
export function crc32c(offset: usize, length: usize): void { store<u32>(CRC_STATE, crc32cUpdate(load<u32>(CRC_STATE, 12), INPUT + offset, length), 12); }
/**
 * Joins CRCs: for `kind` 0 (CRC-64/NVME), 1 (CRC-32) or 2 (CRC-32C), the value at crcStatePtr()
 * becomes crc(A || B), A being that value and B the one 16 bytes further, `lengthB` bytes long.
 */
export function crcCombine(kind: u32, lengthB: f64): void {
  const length = <u64>lengthB;
  if (kind == 0) store<u64>(CRC_STATE, combine64(load<u64>(CRC_STATE), load<u64>(CRC_STATE, 16), length));
  else if (kind == 1) store<u32>(CRC_STATE, combine32Of(false, load<u32>(CRC_STATE, 8), load<u32>(CRC_STATE, 24), length), 8);
  else store<u32>(CRC_STATE, combine32Of(true, load<u32>(CRC_STATE, 12), load<u32>(CRC_STATE, 28), length), 12);
}
