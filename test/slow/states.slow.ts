// Corrupted saved states, at length (the quick version is test/saved-state.test.ts): every byte
// of real states under many masks, many bytes changed at once, every truncation and extension,
// and states of random hashers — each refused (or, forged with a recomputed check, refused
// wherever the kernel's bookkeeping changed), each case promptly. And files that shrink or grow
// while they are hashed.
import { appendFileSync, closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeState } from '../../src/core/saved-state.js';
import type { TreeHashError } from '../../src/core/errors.js';
import { toHex } from '../../src/index.js';
import { hashFile } from '../../src/node/index.js';
import { MIB, referenceTreeHashHex } from '../reference.js';
import { CASES, CLOSED, type Case, attempt, opaqueBytes, partCase, reseal, seal, treeCase } from '../state-cases.js';

const ALL = [...CASES, CLOSED];

/** Whether the bytes are refused with ERR_INVALID_STATE (attempt() bounds the time and forbids raw errors). */
function refused(bytes: Uint8Array): boolean {
  const outcome = attempt(bytes);
  if ('refused' in outcome) expect(outcome.refused.code).toBe('ERR_INVALID_STATE');
  return 'refused' in outcome;
}

/** Every byte of `c`'s state changed by `mask`: refused; forged: refused unless the byte is opaque. */
function everyByte(c: Case, mask: number): void {
  const bytes = encodeState(c.state, seal);
  const opaque = opaqueBytes(bytes);
  for (let i = 0; i < bytes.length; i++) {
    const copy = bytes.slice();
    copy[i]! ^= mask;
    if (!refused(copy)) throw new Error(`${c.name}: byte ${i} ^ ${mask} accepted`);
    if (i >= bytes.length - 32) continue;
    reseal(copy);
    if (!refused(copy) && !opaque.has(i)) throw new Error(`${c.name}: byte ${i} ^ ${mask} accepted in a forged state`);
  }
}

describe('corrupted saved states', () => {
  it('every byte of every state, under many masks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 255 }), (mask) => {
        for (const c of ALL) everyByte(c, mask);
      }),
      { numRuns: 12, examples: [[1], [0x80], [0xff]] },
    );
  });

  it('many bytes changed at once', () => {
    const change = fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), mask: fc.integer({ min: 1, max: 255 }) }), {
      minLength: 2,
      maxLength: 16,
    });
    fc.assert(
      fc.property(fc.constantFrom(...ALL), change, (c, changes) => {
        const bytes = encodeState(c.state, seal);
        const copy = bytes.slice();
        for (const { at, mask } of changes) copy[Math.floor(at * copy.length)]! ^= mask;
        if (copy.every((b, i) => b === bytes[i])) return; // the masks cancelled out
        expect(refused(copy)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('every truncation and extension', () => {
    for (const c of ALL) {
      const bytes = encodeState(c.state, seal);
      for (let length = 0; length < bytes.length; length++) expect(refused(bytes.subarray(0, length))).toBe(true);
      for (const extra of [1, 31, 32, 33, 2592]) {
        const longer = new Uint8Array(bytes.length + extra);
        longer.set(bytes);
        expect(refused(longer)).toBe(true);
      }
    }
  });

  it('states of random hashers: every byte changed is refused', () => {
    const hasher = fc.record({
      kind: fc.constantFrom('tree', 'part'),
      linear: fc.boolean(),
      size: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 5 * MIB + 12345 })),
      mask: fc.integer({ min: 1, max: 255 }),
    });
    fc.assert(
      fc.property(hasher, ({ kind, linear, size, mask }) => {
        everyByte(kind === 'tree' ? treeCase(linear, size) : partCase(linear, size), mask);
      }),
      { numRuns: 25 },
    );
  });
});

describe('files that shrink or grow while they are hashed', () => {
  const changes = {
    'cut to half': (path: string, size: number) => truncateSync(path, Math.floor(size / 2)),
    'grown by 1 MiB + 1': (path: string) => appendFileSync(path, new Uint8Array(MIB + 1)),
  };
  const dir = mkdtempSync(join(tmpdir(), 'treehash-slow-shrink-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const size of [5 * MIB + 7, 64 * MIB + 7]) {
    for (const engine of ['auto', 'wasm'] as const) {
      for (const [what, change] of Object.entries(changes)) {
        it(`${size} bytes, engine ${engine}: ${what} at the first progress report: ERR_FILE_CHANGED, or everything was read before`, async () => {
          const path = join(dir, `changing-${size}-${engine}.bin`);
          const fd = openSync(path, 'w');
          ftruncateSync(fd, size);
          closeSync(fd);
          let cut = false;
          const outcome = await hashFile(path, {
            engine,
            onProgress: () => {
              if (!cut) change(path, size);
              cut = true;
            },
          }).then(
            (result) => ({ size: result.size, treeHash: toHex(result.treeHash) }),
            (error: TreeHashError) => error.code,
          );
          expect(cut).toBe(true);
          // Small files are read whole before the first report (reads of 2 MiB and more); then the
          // hash is of the bytes as they were, never of a mix.
          if (typeof outcome !== 'string') expect(outcome).toEqual({ size, treeHash: referenceTreeHashHex(new Uint8Array(size)) });
          else expect(outcome).toBe('ERR_FILE_CHANGED');
          if (size > 16 * MIB) expect(outcome).toBe('ERR_FILE_CHANGED');
        });
      }
    }
  }
});
