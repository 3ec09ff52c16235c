// The JavaScript kernel (src/kernel/js.ts) against the Wasm kernel and the reference: the same
// calls give the same leaf digests, root and linear SHA-256, and the same state region where it
// has meaning, so a state moves between them either way mid-stream.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createJsKernel } from '../src/kernel/js.js';
import { type Kernel, acquireKernel, releaseKernel } from '../src/kernel/wasm.js';
import { MIB, mod251, referenceLeafDigests, referenceSha256Hex, referenceTreeHashHex } from './reference.js';
import { toHex } from '../src/index.js';

const FLAG_LINEAR = 1;
const FLAG_NO_TREE = 2;

/** Feeds `data` to `kernel` through its input window in pieces of `cut` bytes; returns the leaf digests it reported. */
function feed(kernel: Kernel, data: Uint8Array, cut: number, from = 0, to = data.length): string[] {
  const leaves: string[] = [];
  for (let offset = from; offset < to;) {
    // Like the hasher: a window never crosses a leaf boundary of the tree's own count.
    const limit = Math.min(cut, kernel.inputCapacity - kernel.exports.leafFill(), to - offset);
    kernel.memory.set(data.subarray(offset, offset + limit), kernel.inputPtr);
    const completed = kernel.exports.absorb(0, limit);
    for (let i = 0; i < completed; i++) leaves.push(toHex(kernel.memory.subarray(kernel.leafDigestsPtr + 32 * i, kernel.leafDigestsPtr + 32 * (i + 1))));
    offset += limit;
  }
  return leaves;
}

function finish(kernel: Kernel): { leaves: string[]; tree: string; linear: string } {
  const completed = kernel.exports.finish();
  const leaves = completed === 1 ? [toHex(kernel.memory.subarray(kernel.leafDigestsPtr, kernel.leafDigestsPtr + 32))] : [];
  return {
    leaves,
    tree: toHex(kernel.memory.subarray(kernel.outputPtr, kernel.outputPtr + 32)),
    linear: toHex(kernel.memory.subarray(kernel.outputPtr + 32, kernel.outputPtr + 64)),
  };
}

/** The meaningful part of a state region (block-buffer bytes past the fill and stack slots past the depth are scratch). */
function meaningfulState(kernel: Kernel): string[] {
  const s = kernel.memory.subarray(kernel.statePtr, kernel.statePtr + kernel.stateSize);
  const view = new DataView(s.buffer, s.byteOffset, s.byteLength);
  const ctx = (at: number) => toHex(s.subarray(at, at + 44)) + toHex(s.subarray(at + 48, at + 48 + view.getUint32(at + 40, true)));
  const depth = view.getUint32(4, true);
  return [toHex(s.subarray(0, 16)), ctx(32), ctx(144), toHex(s.subarray(256, 256 + 4 * depth)), toHex(s.subarray(512, 512 + 32 * depth))];
}

describe('the JavaScript kernel', () => {
  it('matches the reference at the sizes that matter, in one window and in odd pieces', () => {
    const kernel = createJsKernel();
    for (const size of [0, 1, 55, 56, 63, 64, 65, 127, 128, MIB - 1, MIB, MIB + 1, 3 * MIB + 5, 9 * MIB + 7]) {
      const data = mod251(size);
      for (const cut of [kernel.inputCapacity, 1_000_003, 64 * 1024 + 7]) {
        kernel.exports.init(FLAG_LINEAR);
        const leaves = feed(kernel, data, cut);
        const end = finish(kernel);
        expect([...leaves, ...end.leaves]).toEqual(referenceLeafDigests(data).map(toHex));
        expect(end.tree).toBe(referenceTreeHashHex(data));
        expect(end.linear).toBe(referenceSha256Hex(data));
      }
    }
  });

  it('plain SHA-256 without the tree (FLAG_NO_TREE) reports no leaves', () => {
    const kernel = createJsKernel();
    const data = mod251(2 * MIB + 99);
    kernel.exports.init(FLAG_LINEAR | FLAG_NO_TREE);
    expect(feed(kernel, data, 300_001)).toEqual([]);
    expect(finish(kernel).linear).toBe(referenceSha256Hex(data));
  });

  it("pushNode keeps the Wasm kernel's rules and status numbers", () => {
    for (const make of [createJsKernel, () => acquireKernel('scalar')]) {
      const kernel = make();
      kernel.exports.init(0);
      expect(kernel.exports.pushNode(48)).toBe(3);
      kernel.memory.set(new Uint8Array(32).fill(7), kernel.nodeInputPtr);
      expect(kernel.exports.pushNode(0)).toBe(0);
      expect(kernel.exports.pushNode(1)).toBe(2); // one leaf so far: a 2-leaf node cannot start here
      kernel.memory[kernel.inputPtr] = 1;
      kernel.exports.absorb(0, 1);
      expect(kernel.exports.pushNode(0)).toBe(1); // a leaf is half done
      expect(kernel.exports.treeBytes()).toBe(MIB + 1);
      expect(kernel.exports.leafFill()).toBe(1);
      if (make !== createJsKernel) releaseKernel(kernel);
    }
  });

  it('fast-check: the same calls on both kernels give the same results and state, and a state moves either way mid-stream', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 * MIB + 1000 }),
        fc.integer({ min: 1, max: 2 * MIB }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (size, cut, at, toJs) => {
          const data = mod251(size);
          const wasm = acquireKernel('scalar');
          const js = createJsKernel();
          try {
            wasm.exports.init(FLAG_LINEAR);
            js.exports.init(FLAG_LINEAR);
            const middle = Math.floor(size * at);
            expect(feed(js, data, cut, 0, middle)).toEqual(feed(wasm, data, cut, 0, middle));
            expect(meaningfulState(js)).toEqual(meaningfulState(wasm));
            expect(js.exports.treeBytes()).toBe(wasm.exports.treeBytes());
            expect(js.exports.linearBytes()).toBe(wasm.exports.linearBytes());
            // Hand the state over, as save() and restore do, and finish on the other kernel.
            const [from, into] = toJs ? [wasm, js] : [js, wasm];
            into.memory.set(from.memory.subarray(from.statePtr, from.statePtr + from.stateSize), into.statePtr);
            const rest = feed(into, data, cut, middle);
            const end = finish(into);
            expect(end.tree).toBe(referenceTreeHashHex(data));
            expect(end.linear).toBe(referenceSha256Hex(data));
            expect(rest.length + end.leaves.length).toBe(referenceLeafDigests(data).length - Math.floor(middle / MIB));
          } finally {
            releaseKernel(wasm);
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});
