// Every kernel instance a hasher takes goes back to the pool: counted by wrapping the pool functions.
import { describe, expect, it, vi } from 'vitest';
import { bytesToHex } from '@noble/hashes/utils.js';
import { createPartHasher, restorePartHasher } from '../src/upload/part-hasher.js';
import { createVerifier } from '../src/web/verify.js';
import { MIB, mod251, referenceTreeHash, referenceTreeHashHex } from './reference.js';

const counts = vi.hoisted(() => ({ acquired: 0, released: 0 }));
vi.mock('../src/kernel/wasm.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/kernel/wasm.js')>();
  return {
    ...real,
    acquireKernel: (...args: Parameters<typeof real.acquireKernel>) => {
      counts.acquired++;
      return real.acquireKernel(...args);
    },
    releaseKernel: (kernel: Parameters<typeof real.releaseKernel>[0]) => {
      counts.released++;
      real.releaseKernel(kernel);
    },
  };
});

/** Kernel instances taken and not given back. */
const held = () => counts.acquired - counts.released;

describe('kernel instances go back to the pool', () => {
  it('PartHasher: an archive ending exactly at a part boundary, with and without the whole SHA-256', () => {
    const data = mod251(2 * MIB);
    for (const linear of [true, false]) {
      const before = held();
      const hasher = createPartHasher({ partSize: MIB, linear });
      const parts = hasher.update(data);
      const { lastPart, result } = hasher.finish();
      expect(parts).toHaveLength(2);
      expect(lastPart).toBeUndefined();
      expect(result.treeHash).toEqual(referenceTreeHash(data));
      expect(held()).toBe(before);
    }
  });

  it('restorePartHasher: restored mid-part and at a part boundary, then finished', () => {
    const data = mod251(3 * MIB + 10);
    for (const cut of [MIB + 5, 2 * MIB, 0]) {
      const before = held();
      const first = createPartHasher({ partSize: MIB });
      first.update(data.subarray(0, cut));
      const state = first.save();
      const second = restorePartHasher(state);
      second.update(data.subarray(cut));
      const { result } = second.finish();
      expect(bytesToHex(result.treeHash)).toBe(referenceTreeHashHex(data));
      // `first` was abandoned after save(): it may hold its part and whole-archive hashers, nothing more.
      expect(held() - before).toBeLessThanOrEqual(cut % MIB === 0 ? 1 : 2);
      const restoredOnly = held();
      const third = restorePartHasher(state);
      third.update(data.subarray(cut));
      third.finish();
      expect(held()).toBe(restoredOnly);
    }
  });

  it('the Web verifier gives its hasher back when the stream is cancelled', async () => {
    const before = held();
    const verifier = createVerifier(referenceTreeHashHex(mod251(10)));
    const writer = verifier.writable.getWriter();
    void writer.write(mod251(5)).catch(() => undefined);
    const reader = verifier.readable.getReader();
    await reader.read();
    await reader.cancel(new Error('the download was abandoned'));
    await writer.closed.catch(() => undefined);
    expect(held()).toBe(before);
  });
});
