// Engines and builds: which build loads, state moving between builds and engines, engine options.
// (The oracle suites themselves run once per engine: see vitest.config.ts.)
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../src/hash/engine.js';
import { computeChecksums, sha256, treeHash } from '../src/hash/one-shot.js';
import { createChecksums, createTreeHasher, restoreTreeHasher } from '../src/hash/tree-hasher.js';
import { toHex } from '../src/core/hex.js';
import { registerNativeHash } from '../src/hash/engine.js';
import { hashBlob, hashWebStream } from '../src/web/streams.js';
import { acquireKernel, releaseKernel, simdSupported } from '../src/kernel/wasm.js';
import { MIB, mod251, referenceSha256Hex, referenceTreeHashHex } from './reference.js';
import { expectCode } from './helpers.js';

const DATA = mod251(13 * MIB + 5);

describe('builds', () => {
  it('Node validates the SIMD build and loads it by default; the scalar build on request', () => {
    expect(simdSupported()).toBe(true);
    const simd = acquireKernel();
    const scalar = acquireKernel('scalar');
    expect(simd.simd).toBe(true);
    expect(scalar.simd).toBe(false);
    // One state layout: same size, so saved state moves between the builds.
    expect(simd.stateSize).toBe(scalar.stateSize);
    releaseKernel(simd);
    releaseKernel(scalar);
  });

  it('a state saved on one build continues on the other, mid-leaf and on leaf boundaries (fast-check)', () => {
    const data = DATA.subarray(0, 11 * MIB + 3);
    const tree = referenceTreeHashHex(data);
    const linear = referenceSha256Hex(data);
    const offsets = fc.oneof(
      fc.integer({ min: 0, max: data.length }),
      fc.integer({ min: 0, max: 11 }).map((k) => k * MIB),
    );
    fc.assert(
      fc.property(offsets, fc.boolean(), (offset, fromSimd) => {
        const [from, to] = fromSimd ? (['wasm', 'wasm-scalar'] as const) : (['wasm-scalar', 'wasm'] as const);
        const state = createChecksums({ engine: from }).update(data.subarray(0, offset)).save();
        const result = restoreTreeHasher(state, { engine: to }).update(data.subarray(offset)).digestChecksums();
        expect(toHex(result.treeHash)).toBe(tree);
        expect(toHex(result.sha256)).toBe(linear);
      }),
      { numRuns: 12 },
    );
  });
});

describe('engine option', () => {
  it('every engine gives the reference results, one-shot and incremental, at random sizes (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: DATA.length }), fc.integer({ min: 1, max: 3 * MIB }), (size, piece) => {
        const data = DATA.subarray(0, size);
        const tree = referenceTreeHashHex(data);
        const linear = referenceSha256Hex(data);
        for (const engine of ENGINES) {
          expect(toHex(treeHash(data, { engine }))).toBe(tree);
          const once = computeChecksums(data, { engine });
          expect([toHex(once.treeHash), toHex(once.sha256), once.size]).toEqual([tree, linear, size]);
          expect(toHex(sha256(data, { engine }))).toBe(linear);
          const hasher = createChecksums({ engine });
          for (let offset = 0; offset < size; offset += piece) hasher.update(data.subarray(offset, offset + piece));
          const streamed = hasher.digestChecksums();
          expect([toHex(streamed.treeHash), toHex(streamed.sha256)]).toEqual([tree, linear]);
        }
      }),
      { numRuns: 8 },
    );
  });

  it('copy() keeps the engine, native linear hash included', () => {
    const data = DATA.subarray(0, 6 * MIB + 1);
    for (const engine of ENGINES) {
      const original = createChecksums({ engine }).update(data.subarray(0, 3 * MIB + 7));
      const twin = original.copy();
      original.update(data.subarray(3 * MIB + 7));
      twin.update(data.subarray(3 * MIB + 7));
      const a = original.digestChecksums();
      const b = twin.digestChecksums();
      expect(toHex(a.treeHash)).toBe(referenceTreeHashHex(data));
      expect(toHex(b.treeHash)).toBe(toHex(a.treeHash));
      expect(toHex(b.sha256)).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });

  it('rejects unknown engines with ERR_INVALID_OPTION', () => {
    expectCode(() => treeHash('x', { engine: 'gpu' as never }), 'ERR_INVALID_OPTION');
    expectCode(() => createTreeHasher({ engine: 1 as never }), 'ERR_INVALID_OPTION');
    expectCode(() => sha256('x', { engine: null as never }), 'ERR_INVALID_OPTION');
  });

  it("engine 'native' without node:crypto throws ERR_ENGINE_UNAVAILABLE; 'auto' falls back to Wasm", () => {
    registerNativeHash(null);
    try {
      expectCode(() => treeHash('x', { engine: 'native' }), 'ERR_ENGINE_UNAVAILABLE');
      expectCode(() => createTreeHasher({ engine: 'native' }), 'ERR_ENGINE_UNAVAILABLE');
      expect(toHex(treeHash(DATA.subarray(0, 2 * MIB + 1), { engine: 'auto' }))).toBe(referenceTreeHashHex(DATA.subarray(0, 2 * MIB + 1)));
    } finally {
      registerNativeHash(undefined);
    }
  });

  it("where only WebCrypto exists, the async Web APIs hash whole leaves with crypto.subtle ('native' and 'auto')", async () => {
    registerNativeHash(null);
    try {
      for (const size of [0, 1, MIB - 1, MIB, MIB + 1, 6 * MIB, 13 * MIB + 5]) {
        const data = DATA.subarray(0, size);
        for (const engine of ['native', 'auto'] as const) {
          const seen: string[] = [];
          const onLeaf = (digest: Uint8Array, index: number): void => void seen.push(`${index}:${toHex(digest)}`);
          const streamed = await hashBlob(new Blob([data.subarray(0, 777_777), data.subarray(777_777)]), { engine, onLeaf });
          expect([toHex(streamed.treeHash), toHex(streamed.sha256), streamed.size]).toEqual([referenceTreeHashHex(data), referenceSha256Hex(data), size]);
          const leaves = Math.max(1, Math.ceil(size / MIB));
          expect(seen.map((s) => Number(s.split(':')[0]))).toEqual(Array.from({ length: leaves }, (_, i) => i));
          const treeOnly = await hashWebStream(new Blob([data]).stream(), { engine, linear: false });
          expect(toHex(treeOnly.treeHash)).toBe(referenceTreeHashHex(data));
        }
      }
      // The synchronous APIs have no WebCrypto: 'native' is unavailable there.
      expectCode(() => treeHash('x', { engine: 'native' }), 'ERR_ENGINE_UNAVAILABLE');
    } finally {
      registerNativeHash(undefined);
    }
  });
});
