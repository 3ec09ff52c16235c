// The Glacier tree: 1 MiB leaves, parents H(left || right), an unpaired node carried up unchanged.
// That is the "largest power of two on the left" tree (as in RFC 6962 without its prefixes), so a
// stream needs only a stack of subtree digests: push each node with its level, merge the top two
// while their levels are equal (a binary counter), and fold right to left at the end.
import { CTX_SIZE, sha256Digest, sha256Final, sha256Init, sha256Total, sha256Update } from './sha256';
import { sha256x4 } from './sha256x4';

export const LEAF_SIZE: usize = 1 << 20;
export const FLAG_LINEAR: u32 = 1; // also keep the linear SHA-256 of every byte
export const FLAG_NO_TREE: u32 = 2; // skip the tree (with FLAG_LINEAR: plain SHA-256)

// The hasher's whole state lives in this one region so that copy() and save() are a byte copy.
//   +0 flags   +4 stack depth   +8 leaves so far (u64, in 1 MiB units)
//   +32 linear context   +144 current-leaf context   +256 stack levels (u32 × 64)   +512 stack digests (32 × 64)
export const STATE_SIZE: usize = 2560;
export const STATE: usize = memory.data(<i32>STATE_SIZE, 16);
const LINEAR_CTX: usize = STATE + 32;
const LEAF_CTX: usize = STATE + 32 + CTX_SIZE;
const STACK_LEVELS: usize = STATE + 256;
const STACK_DIGESTS: usize = STATE + 512;
const MAX_DEPTH: u32 = 64;

// Scratch, not part of the state.
const SCRATCH_CTX: usize = memory.data(<i32>CTX_SIZE, 16);
const PAIR: usize = memory.data(64, 16); // left || right, hashed into a parent
const NODE: usize = memory.data(32, 16);

/** Digests of the leaves completed by the last absorb(), in order (at most MAX_LEAVES_PER_ABSORB). */
export const LEAF_DIGESTS: usize = memory.data(32 * 8, 16);

// @ts-ignore: decorator
@inline function flags(): u32 { return load<u32>(STATE, 0); }
// @ts-ignore: decorator
@inline function depth(): u32 { return load<u32>(STATE, 4); }
// @ts-ignore: decorator
@inline function leaves(): u64 { return load<u64>(STATE, 8); }

export function treeInit(newFlags: u32): void {
  memory.fill(STATE, 0, STATE_SIZE);
  store<u32>(STATE, newFlags, 0);
  sha256Init(LINEAR_CTX);
  sha256Init(LEAF_CTX);
}

/** Bytes of the current, unfinished leaf. */
export function leafFill(): u64 {
  return sha256Total(LEAF_CTX);
}

/** Total bytes absorbed by the tree (leaves done plus the current leaf). */
export function treeBytes(): u64 {
  return (leaves() << 20) + sha256Total(LEAF_CTX);
}

export function linearBytes(): u64 {
  return sha256Total(LINEAR_CTX);
}

/** Pushes the node digest at NODE with `level`; merges equal levels. The caller checks alignment. */
function pushNodeAtNode(level: u32): void {
  let d = depth();
  const added: u64 = (<u64>1) << level;
  while (d > 0 && load<u32>(STACK_LEVELS + ((d - 1) << 2)) == level) {
    memory.copy(PAIR, STACK_DIGESTS + ((d - 1) << 5), 32);
    memory.copy(PAIR + 32, NODE, 32);
    sha256Digest(SCRATCH_CTX, PAIR, 64, NODE);
    d--;
    level++;
  }
  store<u32>(STACK_LEVELS + (d << 2), level);
  memory.copy(STACK_DIGESTS + (d << 5), NODE, 32);
  store<u32>(STATE, d + 1, 4);
  store<u64>(STATE, leaves() + added, 8);
}

/**
 * Pushes a known subtree digest (32 bytes at `digest`) covering 2^level leaves: a leaf digest, or a
 * multipart part's tree hash. Returns 0, or 1 when a leaf is half done, 2 when the leaves so far are
 * not a multiple of 2^level (the node would not be a node of the tree), 3 for a level too high.
 */
export function pushNode(level: u32, digest: usize): u32 {
  if (level >= 48) return 3;
  if (sha256Total(LEAF_CTX) != 0) return 1;
  if ((leaves() & (((<u64>1) << level) - 1)) != 0) return 2;
  if (depth() >= MAX_DEPTH) return 3;
  memory.copy(NODE, digest, 32);
  pushNodeAtNode(level);
  return 0;
}

/**
 * Absorbs `length` bytes at `src`. Returns how many leaves it completed; their digests are at
 * LEAF_DIGESTS. `length` must not exceed 7 MiB so that at most 8 leaves complete.
 */
export function absorb(src: usize, length: usize): u32 {
  const f = flags();
  if (f & FLAG_LINEAR) sha256Update(LINEAR_CTX, src, length);
  if (f & FLAG_NO_TREE) return 0;
  return absorbTree(src, length);
}

/** Absorbs `length` bytes at `src` into the linear SHA-256 only (when leaves are hashed elsewhere). */
export function absorbLinear(src: usize, length: usize): void {
  if (flags() & FLAG_LINEAR) sha256Update(LINEAR_CTX, src, length);
}

/** absorb() for the tree only: the linear SHA-256 is left alone. */
export function absorbTree(src: usize, length: usize): u32 {
  let completed: u32 = 0;
  const fill = <usize>sha256Total(LEAF_CTX);
  if (fill > 0) {
    const take = min<usize>(LEAF_SIZE - fill, length);
    sha256Update(LEAF_CTX, src, take);
    src += take;
    length -= take;
    if (fill + take < LEAF_SIZE) return 0;
    sha256Final(LEAF_CTX, NODE);
    sha256Init(LEAF_CTX);
    memory.copy(LEAF_DIGESTS, NODE, 32);
    pushNodeAtNode(0);
    completed++;
  }
  // Whole leaves straight from the input, without the streaming context's bookkeeping; four at a
  // time in the SIMD build (ASC_FEATURE_SIMD is a compile-time constant: the scalar build has no
  // trace of this branch).
  if (ASC_FEATURE_SIMD) {
    while (length >= 4 * LEAF_SIZE) {
      sha256x4(src, LEAF_SIZE, LEAF_SIZE, LEAF_DIGESTS + (<usize>completed << 5));
      for (let i: u32 = 0; i < 4; i++) {
        memory.copy(NODE, LEAF_DIGESTS + (<usize>completed << 5), 32);
        pushNodeAtNode(0);
        completed++;
      }
      src += 4 * LEAF_SIZE;
      length -= 4 * LEAF_SIZE;
    }
  }
  while (length >= LEAF_SIZE) {
    sha256Digest(SCRATCH_CTX, src, LEAF_SIZE, NODE);
    memory.copy(LEAF_DIGESTS + (<usize>completed << 5), NODE, 32);
    pushNodeAtNode(0);
    completed++;
    src += LEAF_SIZE;
    length -= LEAF_SIZE;
  }
  if (length > 0) sha256Update(LEAF_CTX, src, length);
  return completed;
}

/**
 * Finishes: the tree root to out[0..32) and, with FLAG_LINEAR, the linear SHA-256
 * to out[32..64). A partial last leaf is pushed first; empty input is one empty leaf, so its tree
 * hash is SHA-256("") as botocore and the AWS Java reference return. Returns how many leaves it
 * completed (0 or 1; the digest is at LEAF_DIGESTS).
 */
export function treeFinish(out: usize): u32 {
  const f = flags();
  if (f & FLAG_LINEAR) sha256Final(LINEAR_CTX, out + 32);
  if (f & FLAG_NO_TREE) return 0;
  let completed: u32 = 0;
  if (sha256Total(LEAF_CTX) != 0 || leaves() == 0) {
    sha256Final(LEAF_CTX, NODE);
    sha256Init(LEAF_CTX);
    memory.copy(LEAF_DIGESTS, NODE, 32);
    pushNodeAtNode(0);
    completed = 1;
  }
  let d = depth();
  memory.copy(NODE, STACK_DIGESTS + ((d - 1) << 5), 32);
  while (d > 1) {
    d--;
    memory.copy(PAIR, STACK_DIGESTS + ((d - 1) << 5), 32);
    memory.copy(PAIR + 32, NODE, 32);
    sha256Digest(SCRATCH_CTX, PAIR, 64, NODE);
  }
  memory.copy(out, NODE, 32);
  return completed;
}
