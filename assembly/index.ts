// The kernel's ABI and nothing else. All buffers are static; memory never grows (asconfig.json
// fixes initial = maximum pages). JS writes input at inputPtr(), calls absorb(), and reads
// digests at outputPtr() / leafDigestsPtr().
import { STATE, STATE_SIZE, LEAF_DIGESTS, absorb as treeAbsorb, absorbLinear as treeAbsorbLinear, absorbTree as treeAbsorbTree, leafFill as treeLeafFill, linearBytes as treeLinearBytes, pushNode as treePushNode, treeBytes as treeTreeBytes, treeFinish, treeInit } from './tree';

/** Input window: 4 MiB, 64 KiB aligned above the static data. */
const INPUT_CAPACITY: usize = 4 << 20;
const INPUT: usize = (__heap_base + 0xffff) & ~(<usize>0xffff);
const OUTPUT: usize = memory.data(64, 16); // tree root, then linear SHA-256
const NODE_INPUT: usize = memory.data(32, 16); // a digest given to pushNode()

export function inputPtr(): usize { return INPUT; }
export function inputCapacity(): usize { return INPUT_CAPACITY; }
export function outputPtr(): usize { return OUTPUT; }
export function nodeInputPtr(): usize { return NODE_INPUT; }
export function leafDigestsPtr(): usize { return LEAF_DIGESTS; }
export function statePtr(): usize { return STATE; }
export function stateSize(): usize { return STATE_SIZE; }
/** 1 in the SIMD build, 0 in the scalar one: tells the loader which build a precompiled module is. */
export function simdBuild(): u32 { return ASC_FEATURE_SIMD ? 1 : 0; }
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
