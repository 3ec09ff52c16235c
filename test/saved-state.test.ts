// The one saved-state format (src/core/saved-state.ts) on real states (test/state-cases.ts): a
// state round-trips and, loaded into a kernel, gives the reference's hashes; every byte changed
// is refused (the check), promptly; and a forged state whose check was recomputed is refused
// wherever the kernel's bookkeeping is touched, and never crashes, hangs or misreads the kernel
// where it is not (state words and digests cannot be told from other valid ones).
// test/slow/states.slow.ts runs more of the same.
import fc from 'fast-check';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { KERNEL_STATE_SIZE, decodeState, encodeState } from '../src/core/saved-state.js';
import { TreeHashError } from '../src/core/errors.js';
import { createTreeHasher, toHex } from '../src/index.js';
import { KERNEL_BUILD_SHA256, acquireKernel, releaseKernel } from '../src/kernel/wasm.js';
import { BOUND_MS, CASES, CLOSED, attempt, opaqueBytes, reseal, seal } from './state-cases.js';
import { STATE_SEAL } from '../src/kernel/state.js';
import { MIB } from './reference.js';

describe('saved states (src/core/saved-state.ts)', () => {
  it('save() writes canonical bytes, and restoring them through the API gives the reference hashes', () => {
    for (const c of [...CASES, CLOSED]) {
      const bytes = encodeState(c.state, seal);
      expect(encodeState(decodeState(bytes, c.state.kind as 'tree', seal), seal)).toEqual(bytes); // a second save is the same bytes
      expect({ name: c.name, outcome: attempt(bytes) }).toEqual({ name: c.name, outcome: { result: c.expected } });
    }
  });

  it('the product seals with the same build and SHA-256 as the tests', () => {
    const bytes = createTreeHasher().update('abc').save();
    expect(decodeState(bytes, 'tree', seal).hasher.size).toBe(3);
    expect(decodeState(bytes, 'tree', STATE_SEAL).hasher.size).toBe(3);
  });

  it('the check is the SHA-256 of everything before it (checked with the oracle)', () => {
    const bytes = encodeState(CASES[1]!.state, seal);
    expect(toHex(bytes.subarray(-32))).toBe(toHex(nobleSha256(bytes.subarray(0, -32))));
    expect(bytes.subarray(0, 6)).toEqual(new Uint8Array([0x47, 0x54, 0x48, 0x53, 2, 1]));
    expect(toHex(bytes.subarray(8, 40))).toBe(KERNEL_BUILD_SHA256);
  });

  it('refuses every single changed byte of every state, each promptly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 255 }), (mask) => {
        for (const c of [...CASES, CLOSED]) {
          const bytes = encodeState(c.state, seal);
          for (let i = 0; i < bytes.length; i++) {
            bytes[i]! ^= mask;
            const outcome = attempt(bytes);
            bytes[i]! ^= mask;
            expect({ case: c.name, byte: i, code: 'refused' in outcome ? outcome.refused.code : 'accepted' }).toEqual({
              case: c.name,
              byte: i,
              code: 'ERR_INVALID_STATE',
            });
          }
        }
      }),
      { numRuns: 3, examples: [[1], [0x40], [0x80]] },
    );
  });

  it('a forged state (check recomputed): refused wherever the bookkeeping changed, else a clean result, each promptly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 255 }), (mask) => {
        for (const c of [...CASES, CLOSED]) {
          const bytes = encodeState(c.state, seal);
          const opaque = opaqueBytes(bytes);
          for (let i = 0; i < bytes.length - 32; i++) {
            const copy = bytes.slice();
            copy[i]! ^= mask;
            reseal(copy);
            const outcome = attempt(copy);
            if (!opaque.has(i)) {
              expect({ case: c.name, byte: i, refused: 'refused' in outcome }).toEqual({ case: c.name, byte: i, refused: true });
            }
            if ('refused' in outcome) expect(outcome.refused.code).toBe('ERR_INVALID_STATE');
          }
        }
      }),
      { numRuns: 2, examples: [[1], [2], [0x40], [0x80], [0xff]] },
    );
  });

  it('refuses what is not a state, another kind, format or build, and a state of any length, all promptly', () => {
    const tree = encodeState(CASES[1]!.state, seal);
    const part = encodeState(CASES[4]!.state, seal);
    const code = (value: unknown, kind: 'tree' | 'part' = 'tree') => {
      try {
        decodeState(value, kind as 'tree', seal);
      } catch (error) {
        return error instanceof TreeHashError ? error.code : 'raw';
      }
      return 'accepted';
    };
    for (const value of [null, undefined, 'GTHS', 42, {}, [1, 2], new Uint8Array(0), new Uint16Array(10), tree.subarray(0, 60), tree.buffer]) {
      expect(code(value)).toBe('ERR_INVALID_STATE');
    }
    expect(code(part, 'tree')).toBe('ERR_INVALID_STATE');
    expect(code(tree, 'part')).toBe('ERR_INVALID_STATE');
    const otherBuild = { ...seal, build: '0'.repeat(64) };
    expect(() => decodeState(tree, 'tree', otherBuild)).toThrow(/saved by another release/);
    const format1 = tree.slice();
    format1[4] = 1;
    expect(() => decodeState(format1, 'tree', seal)).toThrow(/another release/);
    // A huge claimed body is refused before any hashing.
    const started = performance.now();
    const huge = new Uint8Array(64 * MIB);
    huge.set(tree.subarray(0, 44));
    new DataView(huge.buffer).setUint32(40, huge.length - 76, true);
    expect(code(huge)).toBe('ERR_INVALID_STATE');
    expect(performance.now() - started).toBeLessThan(BOUND_MS);
    // Every length of a real state is refused.
    for (let length = 0; length < part.length; length += 7) expect(code(part.subarray(0, length), 'part')).toBe('ERR_INVALID_STATE');
  });

  it("the region is the kernel's whole state (its size is the kernel's)", () => {
    const kernel = acquireKernel();
    expect(kernel.stateSize).toBe(KERNEL_STATE_SIZE);
    releaseKernel(kernel);
  });
});
