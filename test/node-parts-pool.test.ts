// hashFileParts on the worker pool (files of PARALLEL_THRESHOLD bytes or more, default options):
// results against the oracle across slot (2 MiB) and part boundaries, and every behaviour of the
// single-threaded path kept: save/restore, resumeFrom, keepBytes, abort, progress, worker failure.
import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToHex } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { planParts } from '../src/upload/plan.js';
import type { PartChecksums } from '../src/upload/types.js';
import { PARALLEL_THRESHOLD, poolWorkers } from '../src/node/pool/index.js';
import { hashFileParts } from '../src/node/parts.js';
import { codeOf, randomBytes, saveAfterPart } from './helpers.js';
import { MIB, mod251, referenceLeafDigests, referenceSha256Hex, referenceTreeHashHex } from './reference.js';

const dir = mkdtempSync(join(tmpdir(), 'treehash-parts-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectedParts(data: Uint8Array, partSize: number) {
  return planParts(data.length, partSize).parts.map((part) => {
    const bytes = data.subarray(part.start, part.end + 1);
    return { ...part, treeHash: referenceTreeHashHex(bytes), sha256: referenceSha256Hex(bytes) };
  });
}

function hexParts(parts: readonly PartChecksums[]) {
  return parts.map(({ bytes: _bytes, ...p }) => ({ ...p, treeHash: bytesToHex(p.treeHash), sha256: bytesToHex(p.sha256) }));
}

function fileOf(name: string, data: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

describe('hashFileParts on the worker pool', () => {
  it('agrees with the oracle on sizes across slot and part boundaries, with and without the whole SHA-256', async () => {
    expect(PARALLEL_THRESHOLD).toBe(8 * MIB); // the sizes below are chosen around it
    for (const size of [8 * MIB, 8 * MIB + 1, 10 * MIB - 1, 13 * MIB + 12345]) {
      const data = randomBytes(size, size);
      const path = fileOf(`sizes-${size}.bin`, data);
      for (const partSize of [MIB, 2 * MIB, 4 * MIB, 8 * MIB, 16 * MIB]) {
        const expected = expectedParts(data, partSize);
        const seen: PartChecksums[] = [];
        const hashing = hashFileParts(path, { partSize });
        for await (const part of hashing) seen.push(part);
        const result = await hashing.done();
        expect(hexParts(seen)).toEqual(expected);
        expect(hexParts(result.parts)).toEqual(expected);
        expect(bytesToHex(result.treeHash)).toBe(referenceTreeHashHex(data));
        expect(bytesToHex(result.sha256!)).toBe(referenceSha256Hex(data));
        expect(result.size).toBe(size);
        const partsOnly = await hashFileParts(path, { partSize, linear: false }).done();
        expect(hexParts(partsOnly.parts)).toEqual(expected);
        expect(bytesToHex(partsOnly.treeHash)).toBe(referenceTreeHashHex(data));
        expect(partsOnly.sha256).toBeUndefined();
      }
    }
  });

  it('random sizes and part sizes (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 8 * MIB, max: 20 * MIB }),
        fc.constantFrom(MIB, 2 * MIB, 4 * MIB, 32 * MIB),
        fc.integer(),
        async (size, partSize, seed) => {
          const data = randomBytes(size, seed);
          const path = fileOf('random.bin', data);
          const result = await hashFileParts(path, { partSize }).done();
          expect(hexParts(result.parts)).toEqual(expectedParts(data, partSize));
          expect(bytesToHex(result.treeHash)).toBe(referenceTreeHashHex(data));
          expect(bytesToHex(result.sha256!)).toBe(referenceSha256Hex(data));
        },
      ),
      { numRuns: 4 },
    );
  });

  it('save() while holding part i and restore; resumeFrom; keepBytes', async () => {
    const data = randomBytes(19 * MIB + 7, 5);
    const path = fileOf('save.bin', data);
    const partSize = 2 * MIB;
    const all = expectedParts(data, partSize);
    const first = hashFileParts(path, { partSize });
    const state = await saveAfterPart(first, 1);
    expect(await codeOf(() => first.done())).toBe('ERR_INVALID_STATE'); // stopped early: no totals
    const second = hashFileParts(path, { partSize, restore: state });
    expect(second.start).toBe(2 * partSize);
    const restored = await second.done();
    expect(hexParts(restored.parts)).toEqual(all.slice(2));
    expect(restored.resumedParts).toBe(2);
    expect(bytesToHex(restored.treeHash)).toBe(referenceTreeHashHex(data));
    expect(restored.sha256).toBeUndefined(); // node:crypto's whole-file hash cannot be saved

    // save() mid-part (from a progress report) is the start of that part.
    let midway: Uint8Array | undefined;
    const third = hashFileParts(path, { partSize, onProgress: ({ bytes }) => void (bytes >= 5 * MIB && (midway ??= third.save())) });
    await third.done();
    const fromMidway = await hashFileParts(path, { partSize, restore: midway! }).done();
    expect(fromMidway.resumedParts).toBe(2);
    expect(hexParts(fromMidway.parts)).toEqual(all.slice(2));

    const resumeFrom = all.slice(0, 3).map((part) => part.treeHash);
    const resumed = await hashFileParts(path, { partSize, resumeFrom }).done();
    expect(hexParts(resumed.parts)).toEqual(all.slice(3));
    expect(bytesToHex(resumed.treeHash)).toBe(referenceTreeHashHex(data));
    expect(resumed.sha256).toBeUndefined();

    const kept = hashFileParts(path, { partSize, keepBytes: true });
    let count = 0;
    for await (const part of kept) {
      expect(Buffer.from(part.bytes!).equals(data.subarray(part.start, part.end + 1))).toBe(true);
      count++;
    }
    expect(count).toBe(all.length);
    expect((await kept.done()).parts.every((part) => part.bytes === undefined)).toBe(true);
  });

  it('ERR_TOO_MANY_PARTS at part 10,001 (resumed from 9,995 parts of a sparse file)', async () => {
    const path = join(dir, 'sparse.bin');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, 10_004 * MIB + 5);
    closeSync(fd);
    const zeroLeaf = referenceLeafDigests(new Uint8Array(MIB))[0]!;
    const hashing = hashFileParts(path, { partSize: MIB, resumeFrom: new Array<Uint8Array>(9_995).fill(zeroLeaf) });
    const indexes: number[] = [];
    const code = await codeOf(async () => {
      for await (const part of hashing) indexes.push(part.index);
    });
    expect(code).toBe('ERR_TOO_MANY_PARTS');
    expect(indexes).toEqual([9_995, 9_996, 9_997, 9_998, 9_999]);
  });

  it('progress: 1 MiB apart, then the total; the callback error comes out as is, and the pool still works', async () => {
    const data = randomBytes(12 * MIB + 3, 8);
    const path = fileOf('progress.bin', data);
    const calls: { bytes: number; total: number | undefined }[] = [];
    const result = await hashFileParts(path, { partSize: 4 * MIB, onProgress: (report) => void calls.push({ ...report }) }).done();
    expect(calls.at(-1)).toEqual({ bytes: data.length, total: data.length });
    // The final call may come sooner after the one before (the contract exempts it).
    for (let i = 1; i < calls.length - 1; i++) expect(calls[i]!.bytes - calls[i - 1]!.bytes).toBeGreaterThanOrEqual(MIB);
    expect(calls.slice(0, -1).every((call) => call.total === data.length && call.bytes < data.length)).toBe(true);
    expect(calls.length).toBeGreaterThan(3);
    expect(bytesToHex(result.treeHash)).toBe(referenceTreeHashHex(data));

    const mine = new Error('stop here');
    let n = 0;
    const failing = hashFileParts(path, {
      partSize: 4 * MIB,
      onProgress: () => {
        if (++n === 5) throw mine;
      },
    });
    await expect(failing.done()).rejects.toBe(mine);
    const again = await hashFileParts(path, { partSize: 4 * MIB }).done();
    expect(bytesToHex(again.sha256!)).toBe(referenceSha256Hex(data));
  });

  it('an abort between parts or mid-part rejects with ERR_ABORTED, and never hangs', async () => {
    const data = randomBytes(16 * MIB, 9);
    const path = fileOf('abort.bin', data);
    const between = new AbortController();
    const first = hashFileParts(path, { partSize: 2 * MIB, signal: between.signal });
    const seen: number[] = [];
    expect(
      await codeOf(async () => {
        for await (const part of first) {
          seen.push(part.index);
          if (part.index === 2) between.abort();
        }
      }),
    ).toBe('ERR_ABORTED');
    // The read chunk (4 MiB) that held part 2 may complete part 3 before the signal is checked again, as without the pool.
    expect(seen.slice(0, 3)).toEqual([0, 1, 2]);
    expect(seen.length).toBeLessThanOrEqual(4);
    const midway = new AbortController();
    const second = hashFileParts(path, { partSize: 8 * MIB, signal: midway.signal, onProgress: ({ bytes }) => void (bytes > 3 * MIB && midway.abort()) });
    expect(await codeOf(() => second.done())).toBe('ERR_ABORTED');
    const again = await hashFileParts(path, { partSize: 8 * MIB }).done();
    expect(bytesToHex(again.treeHash)).toBe(referenceTreeHashHex(data));
  });

  it('a worker that dies mid-run fails it with ERR_WORKER_FAILED; the next run starts a fresh pool', async () => {
    const data = randomBytes(24 * MIB, 10);
    const path = fileOf('die.bin', data);
    const hashing = hashFileParts(path, { partSize: 2 * MIB });
    let workers: ReturnType<typeof poolWorkers> = [];
    const code = await codeOf(async () => {
      for await (const part of hashing) {
        if (part.index === 1) {
          workers = poolWorkers();
          await Promise.all(workers.map((worker) => worker.terminate()));
        }
      }
    });
    expect(code).toBe('ERR_WORKER_FAILED');
    expect(workers.length).toBeGreaterThan(0);
    expect(await codeOf(() => hashing.done())).toBe('ERR_WORKER_FAILED');
    const again = await hashFileParts(path, { partSize: 2 * MIB }).done();
    expect(bytesToHex(again.treeHash)).toBe(referenceTreeHashHex(data));
    expect(bytesToHex(again.sha256!)).toBe(referenceSha256Hex(data));
    expect(poolWorkers()).not.toContain(workers[0]);
  });

  it('small files never start the pool; a large one does, and the process still exits by itself', () => {
    const small = fileOf('small-child.bin', mod251(PARALLEL_THRESHOLD - 1));
    const large = fileOf('large-child.bin', mod251(PARALLEL_THRESHOLD + 3 * MIB));
    const api = new URL('../dist/node/index.js', import.meta.url).href;
    const parallel = new URL('../dist/node/pool/index.js', import.meta.url).href;
    const script = `import { hashFileParts } from ${JSON.stringify(api)}; import { poolWorkers } from ${JSON.stringify(parallel)};
      const a = await hashFileParts(${JSON.stringify(small)}, { partSize: 1048576 }).done(); const before = poolWorkers().length;
      const b = await hashFileParts(${JSON.stringify(large)}, { partSize: 1048576 }).done();
      console.log(a.parts.length, before, b.parts.length, poolWorkers().length > 0);`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(`8 0 11 true`);
  });
});
