import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { combineTreeHashes } from '../src/hash/combine.js';
import { computeChecksums, sha256, treeHash } from '../src/hash/one-shot.js';
import { createChecksums, createTreeHasher, restoreTreeHasher } from '../src/hash/tree-hasher.js';
import { toHex } from '../src/core/hex.js';
import { testEngine } from './setup-engine.js';
import { MIB, mod251, referenceLeafDigests, referenceRoot, referenceSha256Hex, referenceTreeHashHex } from './reference.js';
import { expectCode } from './helpers.js';
import { MOD251_VECTORS, PUBLIC_VECTORS, boundarySizes } from './vectors.js';

const SIZES = boundarySizes();
const MAX = SIZES[SIZES.length - 1]!;
const DISTINCT = mod251(MAX); // every 1 MiB leaf differs
const ZEROS = new Uint8Array(MAX);

describe('published vectors', () => {
  for (const v of PUBLIC_VECTORS) {
    it(`${v.name} (${v.source})`, () => {
      const data = v.make();
      expect(toHex(treeHash(data))).toBe(v.treeHash);
      const checksums = computeChecksums(data);
      expect(toHex(checksums.treeHash)).toBe(v.treeHash);
      expect(checksums.size).toBe(data.length);
      if (v.sha256) expect(toHex(checksums.sha256)).toBe(v.sha256);
      // The vector is also what the independent reference says.
      expect(referenceTreeHashHex(data)).toBe(v.treeHash);
    });
  }
  for (const v of MOD251_VECTORS) {
    it(`i mod 251, ${v.size} bytes`, () => {
      const data = DISTINCT.subarray(0, v.size);
      const { treeHash: tree, sha256: linear } = computeChecksums(data);
      expect(toHex(tree)).toBe(v.treeHash);
      expect(toHex(linear)).toBe(v.sha256);
    });
  }
});

describe('every boundary size against the reference', () => {
  for (const [label, source] of [
    ['i mod 251', DISTINCT],
    ['zeros', ZEROS],
  ] as const) {
    for (const size of SIZES) {
      it(`${label}, ${size} bytes`, () => {
        const data = source.subarray(0, size);
        const expectedTree = referenceTreeHashHex(data);
        const expectedLinear = referenceSha256Hex(data);
        const { treeHash: tree, sha256: linear } = computeChecksums(data);
        expect(toHex(tree)).toBe(expectedTree);
        expect(toHex(linear)).toBe(expectedLinear);
        expect(toHex(treeHash(data))).toBe(expectedTree);
        expect(toHex(sha256(data))).toBe(expectedLinear);
        // Fed in 64 KiB pieces, as a stream would.
        const hasher = createChecksums();
        for (let offset = 0; offset < size; offset += 65536) hasher.update(data.subarray(offset, offset + 65536));
        const streamed = hasher.digestChecksums();
        expect(toHex(streamed.treeHash)).toBe(expectedTree);
        expect(toHex(streamed.sha256)).toBe(expectedLinear);
      });
    }
  }
});

describe('cutting the input', () => {
  it('every way to cut small inputs into three pieces', () => {
    for (const size of [0, 1, 2, 63, 64, 65, 130]) {
      const data = DISTINCT.subarray(0, size);
      const expected = referenceTreeHashHex(data);
      const expectedLinear = referenceSha256Hex(data);
      for (let i = 0; i <= size; i++) {
        for (let j = i; j <= size; j++) {
          const h = createChecksums().update(data.subarray(0, i)).update(data.subarray(i, j)).update(data.subarray(j));
          const { treeHash: tree, sha256: linear } = h.digestChecksums();
          expect(toHex(tree)).toBe(expected);
          expect(toHex(linear)).toBe(expectedLinear);
        }
      }
    }
  });

  it('three pieces around leaf and window boundaries of a 9 MiB + 7 input', () => {
    const size = 9 * MIB + 7;
    const data = DISTINCT.subarray(0, size);
    const expected = referenceTreeHashHex(data);
    const points = [0, 1, 63, 64, MIB - 1, MIB, MIB + 1, 4 * MIB - 1, 4 * MIB, 4 * MIB + 1, 8 * MIB, size - 1, size];
    for (const i of points) {
      for (const j of points) {
        if (j < i) continue;
        const tree = createTreeHasher().update(data.subarray(0, i)).update(data.subarray(i, j)).update(data.subarray(j)).digest('hex');
        expect(tree).toBe(expected);
      }
    }
  });

  it('random cut points over multi-MiB inputs (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 * MIB }), fc.array(fc.integer({ min: 0, max: 12 * MIB }), { maxLength: 12 }), (size, rawCuts) => {
        const data = DISTINCT.subarray(0, size);
        const cuts = [...new Set(rawCuts.map((c) => c % (size + 1)))].sort((a, b) => a - b);
        const hasher = createChecksums();
        let previous = 0;
        for (const cut of [...cuts, size]) {
          hasher.update(data.subarray(previous, cut));
          previous = cut;
        }
        const { treeHash: tree, sha256: linear, size: hashed } = hasher.digestChecksums();
        expect(hashed).toBe(size);
        expect(toHex(tree)).toBe(referenceTreeHashHex(data));
        expect(toHex(linear)).toBe(referenceSha256Hex(data));
      }),
      { numRuns: 40 },
    );
  });
});

describe('hasher lifecycle', () => {
  it('two hashers alive at once, updated alternately', () => {
    const a = createTreeHasher();
    const b = createChecksums();
    const x = DISTINCT.subarray(0, 5 * MIB + 3);
    const y = ZEROS.subarray(0, 3 * MIB + 11);
    for (let offset = 0; offset < Math.max(x.length, y.length); offset += 700_001) {
      a.update(x.subarray(offset, offset + 700_001));
      b.update(y.subarray(offset, offset + 700_001));
    }
    expect(a.digest('hex')).toBe(referenceTreeHashHex(x));
    const bResult = b.digestChecksums();
    expect(toHex(bResult.treeHash)).toBe(referenceTreeHashHex(y));
    expect(toHex(bResult.sha256)).toBe(referenceSha256Hex(y));
  });

  it('copy() mid-stream gives an independent hasher', () => {
    const data = DISTINCT.subarray(0, 6 * MIB + 5);
    const split = 2 * MIB + 99;
    const original = createChecksums().update(data.subarray(0, split));
    const twin = original.copy();
    original.update(data.subarray(split));
    twin.update(ZEROS.subarray(0, 10));
    const mixed = new Uint8Array(split + 10);
    mixed.set(data.subarray(0, split));
    const o = original.digestChecksums();
    const t = twin.digestChecksums();
    expect(toHex(o.treeHash)).toBe(referenceTreeHashHex(data));
    expect(toHex(o.sha256)).toBe(referenceSha256Hex(data));
    expect(toHex(t.treeHash)).toBe(referenceTreeHashHex(mixed));
    expect(toHex(t.sha256)).toBe(referenceSha256Hex(mixed));
    expect(t.size).toBe(split + 10);
  });

  it('digest() then update(), digest(), copy() or save() throws ERR_HASH_FINALIZED', () => {
    const hasher = createTreeHasher().update('abc');
    hasher.digest();
    expectCode(() => hasher.update('x'), 'ERR_HASH_FINALIZED');
    expectCode(() => hasher.digest(), 'ERR_HASH_FINALIZED');
    expectCode(() => hasher.copy(), 'ERR_HASH_FINALIZED');
    expectCode(() => hasher.save(), 'ERR_HASH_FINALIZED');
  });

  it('reset() starts over, after digest too', () => {
    const hasher = createTreeHasher().update(DISTINCT.subarray(0, MIB + 1));
    hasher.reset().update('bar');
    expect(hasher.digest('hex')).toBe('fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9');
    hasher.reset();
    expect(hasher.update('abcd').digest('hex')).toBe('88d4266fd4e6338d13b845fcf289579d209c897823b9217da3e161936f031589');
  });

  it('accepts strings as UTF-8, other ArrayBufferViews and ArrayBuffers', () => {
    const bytes = new TextEncoder().encode('héllo wörld');
    const expected = referenceTreeHashHex(bytes);
    expect(toHex(treeHash('héllo wörld'))).toBe(expected);
    expect(toHex(treeHash(bytes.buffer))).toBe(expected);
    expect(toHex(treeHash(new DataView(bytes.buffer)))).toBe(expected);
    const padded = new Uint8Array(bytes.length + 8);
    padded.set(bytes, 4);
    expect(toHex(treeHash(new Uint8Array(padded.buffer, 4, bytes.length)))).toBe(expected);
  });

  it('rejects what is not bytes with ERR_INVALID_INPUT', () => {
    expectCode(() => treeHash(123 as never), 'ERR_INVALID_INPUT');
    expectCode(() => createTreeHasher().update(null as never), 'ERR_INVALID_INPUT');
    expectCode(() => createTreeHasher().update([1, 2] as never), 'ERR_INVALID_INPUT');
    expectCode(() => createTreeHasher().digest('base64' as never), 'ERR_INVALID_OPTION');
    expectCode(() => createTreeHasher().digestChecksums(), 'ERR_INVALID_STATE');
  });

  it('onLeaf reports every leaf digest in order, the partial last one included', () => {
    for (const size of [0, 1, MIB, MIB + 1, 9 * MIB + 5]) {
      const data = DISTINCT.subarray(0, size);
      const seen: string[] = [];
      const hasher = createTreeHasher({ onLeaf: (digest, index) => seen.push(`${index}:${toHex(digest)}`) });
      for (let offset = 0; offset < size; offset += 333_333) hasher.update(data.subarray(offset, offset + 333_333));
      hasher.digest();
      expect(seen).toEqual(referenceLeafDigests(data).map((d, i) => `${i}:${toHex(d)}`));
    }
  });
});

describe('combineTreeHashes', () => {
  it('equals the reference root over leaf digests for 1..70 leaves', () => {
    const leaves = referenceLeafDigests(DISTINCT.subarray(0, 70 * MIB > MAX ? MAX : 70 * MIB));
    const pool = Array.from({ length: 70 }, (_, i) => leaves[i % leaves.length]!.map((b) => b ^ (i & 0xff)));
    for (let count = 1; count <= 70; count++) {
      const digests = pool.slice(0, count);
      expect(toHex(combineTreeHashes(digests))).toBe(toHex(referenceRoot(digests)));
    }
  });

  it('returns one digest unchanged and rejects bad input', () => {
    const d = sha256('x');
    expect(toHex(combineTreeHashes([d]))).toBe(toHex(d));
    expectCode(() => combineTreeHashes([]), 'ERR_INVALID_INPUT');
    expectCode(() => combineTreeHashes([new Uint8Array(31)]), 'ERR_INVALID_DIGEST');
    expectCode(() => combineTreeHashes('nope' as never), 'ERR_INVALID_INPUT');
  });

  it('part hashes of 2 MiB and 4 MiB parts combine to the archive root; 3 MiB parts do not', () => {
    const data = DISTINCT.subarray(0, 6_815_744);
    const root = '8bcaa7b4b8f991ca140f306627f2c4e84601364cde8e054b6e0924433ca7482f';
    for (const part of [MIB, 2 * MIB, 4 * MIB]) {
      const parts: Uint8Array[] = [];
      for (let offset = 0; offset < data.length; offset += part) parts.push(treeHash(data.subarray(offset, offset + part)));
      expect(toHex(combineTreeHashes(parts))).toBe(root);
    }
    const threes = [0, 3 * MIB, 6 * MIB].map((o) => treeHash(data.subarray(o, o + 3 * MIB)));
    expect(toHex(combineTreeHashes(threes))).toBe('7b6c575468be7445fb7fc57f52cc3a8876a9d6e409f615e19e31d6f9500bc063');
  });
});

describe('save() and restoreTreeHasher()', () => {
  it('continues at exactly the saved byte, linear hash included (fast-check offsets)', () => {
    const data = DISTINCT.subarray(0, 7 * MIB + 77);
    const expectedTree = referenceTreeHashHex(data);
    const expectedLinear = referenceSha256Hex(data);
    // Engine 'native' cannot save a linear SHA-256 (tested below); its tree-only state is tested there too.
    const saveable = testEngine === 'native' ? { engine: 'wasm' as const } : {};
    fc.assert(
      fc.property(fc.integer({ min: 0, max: data.length }), (offset) => {
        const state = createChecksums(saveable).update(data.subarray(0, offset)).save();
        const resumed = restoreTreeHasher(state).update(data.subarray(offset)).digestChecksums();
        expect(toHex(resumed.treeHash)).toBe(expectedTree);
        expect(toHex(resumed.sha256)).toBe(expectedLinear);
        expect(resumed.size).toBe(data.length);
      }),
      { numRuns: 25 },
    );
  });

  it('engine native saves the tree (not a linear SHA-256); the state restores on any engine', () => {
    const data = DISTINCT.subarray(0, 5 * MIB + 99);
    expectCode(() => createChecksums({ engine: 'native' }).update('abc').save(), 'ERR_INVALID_STATE');
    for (const offset of [0, 1, MIB, 2 * MIB + 5, data.length]) {
      const state = createTreeHasher({ engine: 'native' }).update(data.subarray(0, offset)).save();
      for (const engine of ['native', 'wasm', 'wasm-scalar', 'auto'] as const) {
        const resumed = restoreTreeHasher(state, { engine }).update(data.subarray(offset));
        expect(resumed.digest('hex')).toBe(referenceTreeHashHex(data));
      }
    }
  });

  it('refuses bytes that are not a saved state', () => {
    const state = createTreeHasher().update('abc').save();
    expectCode(() => restoreTreeHasher(state.subarray(1)), 'ERR_INVALID_STATE');
    const otherBuild = state.slice();
    otherBuild[20] ^= 1;
    expectCode(() => restoreTreeHasher(otherBuild), 'ERR_INVALID_STATE');
    const otherFormat = state.slice();
    otherFormat[4] = 99;
    expectCode(() => restoreTreeHasher(otherFormat), 'ERR_INVALID_STATE');
  });
});

describe('appendTreeHash (resume from known part hashes)', () => {
  it('known parts plus the remaining bytes give the whole tree hash', () => {
    const data = DISTINCT.subarray(0, 9 * MIB + 5);
    for (const part of [MIB, 2 * MIB, 4 * MIB]) {
      for (let known = 0; known * part < data.length; known++) {
        const hasher = createTreeHasher();
        for (let i = 0; i < known; i++) hasher.appendTreeHash(treeHash(data.subarray(i * part, (i + 1) * part)), part);
        hasher.update(data.subarray(known * part));
        expect(hasher.digest('hex')).toBe(referenceTreeHashHex(data));
      }
    }
  });

  it('a shorter last part closes the hasher; misaligned parts are refused', () => {
    const data = DISTINCT.subarray(0, 6_815_744);
    const hasher = createTreeHasher()
      .appendTreeHash(treeHash(data.subarray(0, 4 * MIB)), 4 * MIB)
      .appendTreeHash(treeHash(data.subarray(4 * MIB)), data.length - 4 * MIB);
    expectCode(() => hasher.update('x'), 'ERR_INVALID_STATE');
    expect(hasher.digest('hex')).toBe('8bcaa7b4b8f991ca140f306627f2c4e84601364cde8e054b6e0924433ca7482f');
    const misaligned = createTreeHasher().update(DISTINCT.subarray(0, MIB));
    expectCode(() => misaligned.appendTreeHash(sha256('x'), 2 * MIB), 'ERR_INVALID_STATE');
    expectCode(() => createChecksums().appendTreeHash(sha256('x'), MIB), 'ERR_INVALID_STATE');
    expectCode(() => createTreeHasher().appendTreeHash(new Uint8Array(3), MIB), 'ERR_INVALID_DIGEST');
  });
});
