// The kernel in plain JavaScript, for hosts that cannot compile WebAssembly (a page whose CSP lacks
// 'wasm-unsafe-eval', an edge runtime given no precompiled module, a runtime without Wasm): the
// same ABI as assembly/index.ts over a plain Uint8Array, with SHA-256 from @noble/hashes. Its state
// region has the Wasm kernel's layout byte for byte (assembly/tree.ts, assembly/sha256.ts), so a
// state saved on one kernel continues on the other, and the hashers above do not know which runs.
import { _SHA256 } from '@noble/hashes/sha2.js';
import type { Kernel, KernelExports } from './wasm.js';

const LEAF_SIZE = 1 << 20;
const FLAG_LINEAR = 1;
const FLAG_NO_TREE = 2;
const MAX_DEPTH = 64;

// The state region (assembly/tree.ts):
//   +0 flags  +4 stack depth  +8 leaves so far (u64)  +32 linear context  +144 current-leaf context
//   +256 stack levels (u32 × 64)  +512 stack digests (32 × 64)
// A context (assembly/sha256.ts): +0 eight state words (u32 LE)  +32 total bytes (u64)  +40 bytes
// in the block buffer (u32)  +48 block buffer (64 bytes).
const STATE = 0;
const STATE_SIZE = 2560;
const CTX_SIZE = 112;
const LINEAR_CTX = STATE + 32;
const LEAF_CTX = STATE + 32 + CTX_SIZE;
const STACK_LEVELS = STATE + 256;
const STACK_DIGESTS = STATE + 512;
const CTX_TOTAL = 32;
const CTX_FILL = 40;
const CTX_BLOCK = 48;
// Outside the state: the root and linear digest, the digest given to pushNode, the digests of the
// leaves completed by the last call (at most 8), then the input window.
const OUTPUT = STATE + STATE_SIZE;
const NODE_INPUT = OUTPUT + 64;
const LEAF_DIGESTS = NODE_INPUT + 32;
const INPUT = 4096;
const INPUT_CAPACITY = 4 << 20;
const SHA256_IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** The fields of @noble/hashes' SHA-256 object that hold its running state (protected in its types). */
interface NobleSha256State {
  A: number;
  B: number;
  C: number;
  D: number;
  E: number;
  F: number;
  G: number;
  H: number;
  length: number;
  pos: number;
  buffer: Uint8Array;
  update(data: Uint8Array): unknown;
  digestInto(out: Uint8Array): void;
}

/** SHA-256 of `bytes` (the class, not the `sha256` helper: a smaller bundle). */
export function jsSha256(bytes: Uint8Array): Uint8Array {
  return new _SHA256().update(bytes).digest();
}
const sha256 = jsSha256;

/** A kernel instance whose memory is a plain array and whose exports are JavaScript. */
export function createJsKernel(): Kernel {
  const memory = new Uint8Array(INPUT + INPUT_CAPACITY);
  const view = new DataView(memory.buffer);
  const u64 = (at: number): number => view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
  const setU64 = (at: number, value: number): void => {
    view.setUint32(at, value % 2 ** 32, true);
    view.setUint32(at + 4, Math.floor(value / 2 ** 32), true);
  };

  const ctxInit = (ctx: number): void => {
    for (let i = 0; i < 8; i++) view.setUint32(ctx + 4 * i, SHA256_IV[i]!, true);
    setU64(ctx + CTX_TOTAL, 0);
    view.setUint32(ctx + CTX_FILL, 0, true);
  };
  // A context in memory becomes a live @noble/hashes object and back again.
  const ctxLoad = (ctx: number): NobleSha256State => {
    const hash = new _SHA256() as unknown as NobleSha256State;
    const w = (i: number) => view.getUint32(ctx + 4 * i, true) | 0;
    [hash.A, hash.B, hash.C, hash.D, hash.E, hash.F, hash.G, hash.H] = [w(0), w(1), w(2), w(3), w(4), w(5), w(6), w(7)];
    hash.length = u64(ctx + CTX_TOTAL);
    hash.pos = view.getUint32(ctx + CTX_FILL, true);
    hash.buffer.set(memory.subarray(ctx + CTX_BLOCK, ctx + CTX_BLOCK + hash.pos));
    return hash;
  };
  const ctxStore = (hash: NobleSha256State, ctx: number): void => {
    [hash.A, hash.B, hash.C, hash.D, hash.E, hash.F, hash.G, hash.H].forEach((word, i) => view.setUint32(ctx + 4 * i, word >>> 0, true));
    setU64(ctx + CTX_TOTAL, hash.length);
    view.setUint32(ctx + CTX_FILL, hash.pos, true);
    memory.set(hash.buffer.subarray(0, hash.pos), ctx + CTX_BLOCK);
  };
  const ctxUpdate = (ctx: number, src: number, length: number): void => {
    if (length === 0) return;
    const hash = ctxLoad(ctx);
    hash.update(memory.subarray(src, src + length));
    ctxStore(hash, ctx);
  };
  const ctxFinal = (ctx: number, out: number): void => {
    const digest = new Uint8Array(32);
    ctxLoad(ctx).digestInto(digest);
    memory.set(digest, out);
  };
  const ctxTotal = (ctx: number): number => u64(ctx + CTX_TOTAL);

  const flags = (): number => view.getUint32(STATE, true);
  const depth = (): number => view.getUint32(STATE + 4, true);
  const leaves = (): number => u64(STATE + 8);
  const pair = new Uint8Array(64);

  /** Pushes `node` (32 bytes) with `level`, merging equal levels (assembly/tree.ts pushNodeAtNode). */
  const pushNodeBytes = (node: Uint8Array, level: number): void => {
    let d = depth();
    const added = 2 ** level;
    while (d > 0 && view.getUint32(STACK_LEVELS + 4 * (d - 1), true) === level) {
      pair.set(memory.subarray(STACK_DIGESTS + 32 * (d - 1), STACK_DIGESTS + 32 * d), 0);
      pair.set(node, 32);
      node = sha256(pair);
      d--;
      level++;
    }
    view.setUint32(STACK_LEVELS + 4 * d, level, true);
    memory.set(node, STACK_DIGESTS + 32 * d);
    view.setUint32(STATE + 4, d + 1, true);
    setU64(STATE + 8, leaves() + added);
  };
  /** A finished leaf: its digest to LEAF_DIGESTS[slot] and onto the stack. */
  const leafDone = (digest: Uint8Array, slot: number): void => {
    memory.set(digest, LEAF_DIGESTS + 32 * slot);
    pushNodeBytes(digest, 0);
  };

  const absorbTree = (offset: number, length: number): number => {
    let src = INPUT + offset;
    let completed = 0;
    const fill = ctxTotal(LEAF_CTX);
    if (fill > 0) {
      const take = Math.min(LEAF_SIZE - fill, length);
      ctxUpdate(LEAF_CTX, src, take);
      src += take;
      length -= take;
      if (fill + take < LEAF_SIZE) return 0;
      const digest = new Uint8Array(32);
      ctxLoad(LEAF_CTX).digestInto(digest);
      ctxInit(LEAF_CTX);
      leafDone(digest, completed++);
    }
    for (; length >= LEAF_SIZE; src += LEAF_SIZE, length -= LEAF_SIZE) leafDone(sha256(memory.subarray(src, src + LEAF_SIZE)), completed++);
    if (length > 0) ctxUpdate(LEAF_CTX, src, length);
    return completed;
  };

  const exports = {
    // The hashers read `memory` (below), never this; it is here for the shape of KernelExports.
    memory: { buffer: memory.buffer } as unknown as WebAssembly.Memory,
    inputPtr: () => INPUT,
    inputCapacity: () => INPUT_CAPACITY,
    outputPtr: () => OUTPUT,
    nodeInputPtr: () => NODE_INPUT,
    leafDigestsPtr: () => LEAF_DIGESTS,
    statePtr: () => STATE,
    stateSize: () => STATE_SIZE,
    layoutError: () => 0,
    simdBuild: () => 0,
    init(newFlags: number): void {
      memory.fill(0, STATE, STATE + STATE_SIZE);
      view.setUint32(STATE, newFlags, true);
      ctxInit(LINEAR_CTX);
      ctxInit(LEAF_CTX);
    },
    absorb(offset: number, length: number): number {
      const f = flags();
      if (f & FLAG_LINEAR) ctxUpdate(LINEAR_CTX, INPUT + offset, length);
      if (f & FLAG_NO_TREE) return 0;
      return absorbTree(offset, length);
    },
    absorbLinear(offset: number, length: number): void {
      if (flags() & FLAG_LINEAR) ctxUpdate(LINEAR_CTX, INPUT + offset, length);
    },
    absorbTree,
    pushNode(level: number): number {
      if (level >= 48) return 3;
      if (ctxTotal(LEAF_CTX) !== 0) return 1;
      if (leaves() % 2 ** level !== 0) return 2;
      if (depth() >= MAX_DEPTH) return 3;
      pushNodeBytes(memory.slice(NODE_INPUT, NODE_INPUT + 32), level);
      return 0;
    },
    finish(): number {
      const f = flags();
      if (f & FLAG_LINEAR) ctxFinal(LINEAR_CTX, OUTPUT + 32);
      if (f & FLAG_NO_TREE) return 0;
      let completed = 0;
      if (ctxTotal(LEAF_CTX) !== 0 || leaves() === 0) {
        const digest = new Uint8Array(32);
        ctxLoad(LEAF_CTX).digestInto(digest);
        ctxInit(LEAF_CTX);
        leafDone(digest, 0);
        completed = 1;
      }
      let d = depth();
      let node: Uint8Array = memory.slice(STACK_DIGESTS + 32 * (d - 1), STACK_DIGESTS + 32 * d);
      while (d > 1) {
        d--;
        pair.set(memory.subarray(STACK_DIGESTS + 32 * (d - 1), STACK_DIGESTS + 32 * d), 0);
        pair.set(node, 32);
        node = sha256(pair);
      }
      memory.set(node, OUTPUT);
      return completed;
    },
    treeBytes: () => leaves() * LEAF_SIZE + ctxTotal(LEAF_CTX),
    linearBytes: () => ctxTotal(LINEAR_CTX),
    leafFill: () => ctxTotal(LEAF_CTX),
  } satisfies KernelExports;

  return {
    build: 'js',
    simd: false,
    exports,
    memory,
    inputPtr: INPUT,
    inputCapacity: INPUT_CAPACITY,
    outputPtr: OUTPUT,
    nodeInputPtr: NODE_INPUT,
    leafDigestsPtr: LEAF_DIGESTS,
    statePtr: STATE,
    stateSize: STATE_SIZE,
  };
}
