import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { afterAll, describe, expect, it } from 'vitest';
import { TreeHashError } from '../src/core/errors.js';
import { toHex } from '../src/core/hex.js';
import { hashFile, hashStream } from '../src/node/files.js';
import { testEngine } from './setup-engine.js';
import { Pipeline, poolWorkers } from '../src/node/pool/index.js';
import { MIB, mod251, referenceRoot, referenceSha256Hex, referenceTreeHashHex } from './reference.js';

const dir = mkdtempSync(join(tmpdir(), 'treehash-node-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function expectCode(promise: Promise<unknown>, code: string): Promise<TreeHashError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TreeHashError);
  expect((error as TreeHashError).code).toBe(code);
  return error as TreeHashError;
}

describe('hashFile', () => {
  const data = mod251(9 * MIB + 12345);
  const file = join(dir, 'data.bin');
  writeFileSync(file, data);

  it('hashes whole files of boundary sizes', async () => {
    for (const size of [0, 1, MIB - 1, MIB, MIB + 1, 4 * MIB, 4 * MIB + 1, 9 * MIB + 12345]) {
      const path = join(dir, `size-${size}`);
      writeFileSync(path, data.subarray(0, size));
      const result = await hashFile(path);
      expect(result.size).toBe(size);
      expect(toHex(result.treeHash)).toBe(referenceTreeHashHex(data.subarray(0, size)));
      expect(toHex(result.sha256)).toBe(referenceSha256Hex(data.subarray(0, size)));
    }
  });

  it('hashes inclusive start/end ranges', async () => {
    for (const [start, end] of [
      [0, 0],
      [MIB, 2 * MIB - 1],
      [4 * MIB, data.length - 1],
      [123, 5 * MIB + 7],
    ] as const) {
      const result = await hashFile(file, { start, end });
      const slice = data.subarray(start, end + 1);
      expect(result.size).toBe(slice.length);
      expect(toHex(result.treeHash)).toBe(referenceTreeHashHex(slice));
      expect(toHex(result.sha256)).toBe(referenceSha256Hex(slice));
    }
    const fromStart = await hashFile(file, { start: 3 * MIB, linear: false });
    expect(toHex(fromStart.treeHash)).toBe(referenceTreeHashHex(data.subarray(3 * MIB)));
    expect('sha256' in fromStart).toBe(false);
  });

  it('rejects ranges outside the file, missing files and directories with codes', async () => {
    await expectCode(hashFile(file, { start: 5, end: 4 }), 'ERR_INVALID_RANGE');
    // A start at the end of a non-empty file names no byte.
    await expectCode(hashFile(file, { start: data.length }), 'ERR_INVALID_RANGE');
    await expectCode(hashFile(file, { end: data.length }), 'ERR_INVALID_RANGE');
    await expectCode(hashFile(file, { start: -1 }), 'ERR_INVALID_RANGE');
    const missing = await expectCode(hashFile(join(dir, 'missing')), 'ERR_READ_FAILED');
    expect((missing.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    const directory = await expectCode(hashFile(dir), 'ERR_READ_FAILED');
    expect((directory.cause as NodeJS.ErrnoException).code).toBe('EISDIR');
  });

  it('stops on an AbortSignal with ERR_ABORTED', async () => {
    const controller = new AbortController();
    controller.abort(new Error('user cancelled'));
    const error = await expectCode(hashFile(file, { signal: controller.signal }), 'ERR_ABORTED');
    expect((error.cause as Error).message).toBe('user cancelled');
    const late = new AbortController();
    const promise = hashFile(file, { signal: late.signal });
    late.abort();
    await expectCode(promise, 'ERR_ABORTED');
  });

  // 4 GiB through the Wasm engines takes half a minute each: the SIMD build (whose linear SHA-256
  // is the scalar build's code) and 'auto' run it always, the others with TREEHASH_SLOW_TESTS=1.
  const slowHere = ['auto', 'wasm'].includes(testEngine) || process.env.TREEHASH_SLOW_TESTS === '1';
  it.skipIf(!slowHere)('hashes a sparse file past 4 GiB (u32 overflow guard) against the reference', async () => {
    // 4 GiB + 1 MiB + 3 bytes, zero except marked bytes straddling 2^32 and at the end.
    const size = 4 * 1024 * MIB + MIB + 3;
    const marks = new Map<number, Uint8Array>([
      [2 ** 32 - 5, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])],
      [2 ** 31 - 2, Uint8Array.from([0xff, 0xfe, 0xfd, 0xfc])],
      [size - 2, Uint8Array.from([42, 43])],
    ]);
    const path = join(dir, 'sparse.bin');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, size);
    for (const [offset, bytes] of marks) writeSync(fd, bytes, 0, bytes.length, offset);
    closeSync(fd);

    // Reference: the zero leaf's digest wherever no mark falls; marked leaves rebuilt in memory.
    const leafCount = Math.ceil(size / MIB);
    const zeroLeaf = nobleSha256(new Uint8Array(MIB));
    const leaves: Uint8Array[] = [];
    for (let i = 0; i < leafCount; i++) {
      const start = i * MIB;
      const length = Math.min(MIB, size - start);
      const touched = [...marks].some(([offset, bytes]) => offset < start + length && offset + bytes.length > start);
      if (!touched && length === MIB) {
        leaves.push(zeroLeaf);
        continue;
      }
      const leaf = new Uint8Array(length);
      for (const [offset, bytes] of marks) {
        for (let j = 0; j < bytes.length; j++) {
          const at = offset + j - start;
          if (at >= 0 && at < length) leaf[at] = bytes[j]!;
        }
      }
      leaves.push(nobleSha256(leaf));
    }
    const expectedTree = toHex(referenceRoot(leaves));
    // The linear reference: node:crypto over the same file.
    const linear = createHash('sha256');
    const { createReadStream } = await import('node:fs');
    for await (const chunk of createReadStream(path, { highWaterMark: 8 * MIB })) linear.update(chunk as Buffer);

    const result = await hashFile(path);
    expect(result.size).toBe(size);
    expect(toHex(result.treeHash)).toBe(expectedTree);
    expect(toHex(result.sha256)).toBe(linear.digest('hex'));
    rmSync(path);
  });
});

describe('hashStream', () => {
  const data = mod251(5 * MIB + 17);

  it('hashes Node Readables and async iterables of any chunking', async () => {
    const expectedTree = referenceTreeHashHex(data);
    const expectedLinear = referenceSha256Hex(data);
    const chunks = (size: number) => Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, (i + 1) * size));
    const fromReadable = await hashStream(Readable.from(chunks(65536)));
    expect(toHex(fromReadable.treeHash)).toBe(expectedTree);
    expect(toHex(fromReadable.sha256)).toBe(expectedLinear);
    async function* generator() {
      for (const chunk of chunks(999_999)) yield chunk;
    }
    const fromGenerator = await hashStream(generator());
    expect(toHex(fromGenerator.treeHash)).toBe(expectedTree);
    expect(fromGenerator.size).toBe(data.length);
    const treeOnly = await hashStream(chunks(4096), { linear: false });
    expect(toHex(treeOnly.treeHash)).toBe(expectedTree);
  });

  it('rejects (never hangs) when the stream fails, and for chunks that are not bytes', async () => {
    const failing = new Readable({
      read() {
        this.push(data.subarray(0, 1000));
        this.destroy(new Error('disk on fire'));
      },
    });
    const error = await expectCode(hashStream(failing), 'ERR_READ_FAILED');
    expect((error.cause as Error).message).toBe('disk on fire');
    await expectCode(hashStream([data.subarray(0, 3), 42] as never), 'ERR_INVALID_INPUT');
    await expectCode(hashStream(42 as never), 'ERR_INVALID_INPUT');
  });
});

describe('past the worker threshold', () => {
  const data = mod251(21 * MIB + 333);

  it('hashStream of odd-sized chunks over 8 MiB matches the reference, onLeaf in order', async () => {
    const seen: number[] = [];
    const chunks = function* () {
      for (let offset = 0; offset < data.length; offset += 777_777) yield data.subarray(offset, offset + 777_777);
    };
    const result = await hashStream(chunks(), { onLeaf: (_digest, index) => seen.push(index) });
    expect(result.size).toBe(data.length);
    expect(toHex(result.treeHash)).toBe(referenceTreeHashHex(data));
    expect(toHex(result.sha256)).toBe(referenceSha256Hex(data));
    expect(seen).toEqual(Array.from({ length: 22 }, (_, i) => i));
  });

  it('hashFile of a file over 8 MiB, whole, ranged and tree only, twice (the pool is reused)', async () => {
    const path = join(dir, 'large.bin');
    writeFileSync(path, data);
    for (let round = 0; round < 2; round++) {
      const whole = await hashFile(path);
      expect(toHex(whole.treeHash)).toBe(referenceTreeHashHex(data));
      expect(toHex(whole.sha256)).toBe(referenceSha256Hex(data));
      const ranged = await hashFile(path, { start: 3, end: 19 * MIB, linear: false });
      expect(toHex(ranged.treeHash)).toBe(referenceTreeHashHex(data.subarray(3, 19 * MIB + 1)));
    }
  });

  it('an abort midway rejects with ERR_ABORTED, and the next call still works', async () => {
    const path = join(dir, 'large-abort.bin');
    writeFileSync(path, data);
    const controller = new AbortController();
    let leaves = 0;
    const promise = hashFile(path, { signal: controller.signal, onLeaf: () => ++leaves === 3 && controller.abort() });
    await expectCode(promise, 'ERR_ABORTED');
    expect(toHex((await hashFile(path, { linear: false })).treeHash)).toBe(referenceTreeHashHex(data));
  });

  it('the worker pool never keeps a process alive: a script hashing a large file exits by itself', () => {
    const path = join(dir, 'large-exit.bin');
    writeFileSync(path, data);
    const api = new URL('../dist/node/index.js', import.meta.url).href;
    const script = `import { hashFile, hashStream } from ${JSON.stringify(api)}; import { createReadStream } from 'node:fs';
      const a = await hashFile(${JSON.stringify(path)}); const b = await hashStream(createReadStream(${JSON.stringify(path)}));
      console.log(a.size, b.size);`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(`${data.length} ${data.length}`);
  });

  it.skipIf(!['auto', 'native'].includes(testEngine))(
    'a worker that dies fails the call with ERR_WORKER_FAILED; the next call starts a fresh pool',
    async () => {
      const path = join(dir, 'large-die.bin');
      writeFileSync(path, data);
      await hashFile(path, { linear: false }); // the pool exists
      const workers = poolWorkers();
      expect(workers.length).toBeGreaterThan(0);
      // Terminate, then post jobs before the workers' exit events can run: they are in flight when
      // the workers die (update() only yields microtasks until every slot is taken).
      const parallel = new Pipeline({ linear: true }, data.length);
      const exits = workers.map((worker) => worker.terminate());
      let thrown: unknown;
      try {
        await parallel.update(data);
        await parallel.finish();
      } catch (error) {
        thrown = error;
      }
      await parallel.abandon();
      // The run fails at the first exit; another terminated worker may not have exited yet, and a
      // call now could be handed to it. Every exit seen by the pool first, then the next call.
      await Promise.all(exits);
      expect(thrown).toBeInstanceOf(TreeHashError);
      expect((thrown as TreeHashError).code).toBe('ERR_WORKER_FAILED');
      const again = await hashFile(path);
      expect(toHex(again.treeHash)).toBe(referenceTreeHashHex(data));
      expect(poolWorkers()).not.toContain(workers[0]);
    },
  );
});
