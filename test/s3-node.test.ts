// glacier-treehash/node's S3 functions (one read, both cores) against the values computed from the
// definitions (s3-reference.ts): files below and above the pool's threshold, 33 MiB with 5, 8 and
// 16 MiB parts, part boundaries ±1, streams, and failures.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../src/index.js';
import { hashFileForS3, hashStreamForS3 } from '../src/node/index.js';
import { poolWorkers } from '../src/node/pool/index.js';
import { hashBlobForS3, hashWebStreamForS3, type S3Checksums } from '../src/s3/index.js';
import { codeOf, randomBytes } from './helpers.js';
import { MIB } from './reference.js';
import { expectS3Values, expectedS3 } from './s3-reference.js';

const dir = mkdtempSync(join(tmpdir(), 'treehash-s3-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('hashFileForS3', () => {
  const big = randomBytes(33 * MIB, 133);
  const bigPath = file('33m.bin', big);

  it('33 MiB with 5, 8 and 16 MiB parts (worker pool), with CRC-32 and CRC-32C', async () => {
    for (const partSize of [5 * MIB, 8 * MIB, 16 * MIB]) {
      const got = await hashFileForS3(bigPath, { partSize, crc32: true, crc32c: true });
      await expectS3Values(got, big, partSize);
      const want = await expectedS3(big, partSize);
      expect(got.crc32).toBe(want.crc32);
      expect(got.crc32c).toBe(want.crc32c);
      expect(got.parts.map((part) => part.crc32)).toEqual(want.partCrc32s);
    }
  });

  it('sizes 0, 1 and 5 MiB part boundaries ±1, below and above the pool threshold', async () => {
    const P = 5 * MIB;
    for (const size of [0, 1, P - 1, P, P + 1, 2 * P - 1, 2 * P, 2 * P + 1]) {
      const bytes = big.subarray(0, size);
      await expectS3Values(await hashFileForS3(file(`b${size}.bin`, bytes), { partSize: P }), bytes, P);
    }
  });

  it('every engine for the tree gives the same values', async () => {
    const bytes = big.subarray(0, 9 * MIB + 3);
    const path = file('engines.bin', bytes);
    for (const engine of ['auto', 'native', 'wasm', 'wasm-scalar'] as const)
      await expectS3Values(await hashFileForS3(path, { partSize: 5 * MIB, engine }), bytes, 5 * MIB);
  });

  it("the whole object's MD5 on request, and the size-dependent preset", async () => {
    const got = await hashFileForS3(bigPath, { partSize: 'glacier-vaults-to-s3', md5: true });
    expect(got.partSize).toBe(1024 * MIB);
    expect(got.sha256Composite.endsWith('-1')).toBe(true);
    await expectS3Values(got, big, 1024 * MIB); // one part: its SHA-256 is the linear one, not hashed twice
    expect(toHex(got.md5!)).toBe((await expectedS3(big, 8 * MIB)).md5);
    const multi = await hashFileForS3(bigPath, { partSize: 8 * MIB, md5: true });
    expect(toHex(multi.md5!)).toBe((await expectedS3(big, 8 * MIB)).md5);
  });

  it('reports progress up to the size', async () => {
    const seen: number[] = [];
    await hashFileForS3(bigPath, { partSize: 8 * MIB, onProgress: ({ bytes, total }) => (seen.push(bytes), expect(total).toBe(big.length)) });
    expect(seen.at(-1)).toBe(big.length);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('fails with typed errors', async () => {
    expect(await codeOf(() => hashFileForS3(join(dir, 'missing'), { partSize: 5 * MIB }))).toBe('ERR_READ_FAILED');
    expect(await codeOf(() => hashFileForS3(dir, { partSize: 5 * MIB }))).toBe('ERR_READ_FAILED');
    expect(await codeOf(() => hashFileForS3(bigPath, { partSize: 4 * MIB }))).toBe('ERR_INVALID_PART_SIZE');
    expect(await codeOf(() => hashFileForS3(bigPath, { partSize: 5 * MIB, signal: AbortSignal.abort() }))).toBe('ERR_ABORTED');
    expect(await codeOf(() => hashFileForS3(bigPath, null as never))).toBe('ERR_INVALID_OPTION');
    const controller = new AbortController();
    const aborted = hashFileForS3(bigPath, { partSize: 5 * MIB, signal: controller.signal, onProgress: () => controller.abort() });
    expect(await codeOf(() => aborted)).toBe('ERR_ABORTED');
  });
});

describe('worker failures', () => {
  it('a worker that dies mid-run fails it with ERR_WORKER_FAILED; the next run starts a fresh pool', async () => {
    const bytes = randomBytes(24 * MIB, 12);
    const path = file('die.bin', bytes);
    let killed: ReturnType<typeof poolWorkers> = [];
    const code = await codeOf(() =>
      hashFileForS3(path, {
        partSize: 5 * MIB,
        onProgress: ({ bytes: done }) => {
          if (done > 0 && killed.length === 0) {
            killed = poolWorkers();
            for (const worker of killed) void worker.terminate();
          }
        },
      }),
    );
    expect(code).toBe('ERR_WORKER_FAILED');
    expect(killed.length).toBeGreaterThan(0);
    await expectS3Values(await hashFileForS3(path, { partSize: 5 * MIB }), bytes, 5 * MIB);
    expect(poolWorkers()).not.toContain(killed[0]);
  });
});

describe('streams', () => {
  const bytes = randomBytes(11 * MIB + 9, 44);
  const chunks = (data: Uint8Array, size: number) => Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, (i + 1) * size));

  it('hashStreamForS3: a short stream on this thread, a long one on the pool', async () => {
    await expectS3Values(
      await hashStreamForS3(Readable.from(chunks(bytes.subarray(0, 3 * MIB), 65536)), { partSize: 5 * MIB }),
      bytes.subarray(0, 3 * MIB),
      5 * MIB,
    );
    await expectS3Values(await hashStreamForS3(Readable.from(chunks(bytes, 1_000_003)), { partSize: 5 * MIB }), bytes, 5 * MIB);
    expect(await codeOf(() => hashStreamForS3(Readable.from(chunks(bytes, 65536)), { partSize: 'glacier-vaults-to-s3' }))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(() => hashStreamForS3(42 as never, { partSize: 5 * MIB }))).toBe('ERR_INVALID_INPUT');
    const failing = new Readable({
      read() {
        this.destroy(new Error('disk on fire'));
      },
    });
    expect(await codeOf(() => hashStreamForS3(failing, { partSize: 5 * MIB }))).toBe('ERR_READ_FAILED');
  });

  it('hashBlobForS3 and hashWebStreamForS3 (universal, one thread)', async () => {
    const blob = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    await expectS3Values(await hashBlobForS3(blob, { partSize: 5 * MIB }), bytes, 5 * MIB);
    await expectS3Values(await hashWebStreamForS3(blob.stream(), { partSize: 5 * MIB }), bytes, 5 * MIB);
    await expectS3Values(await hashWebStreamForS3(chunks(bytes, 777_777), { partSize: 5 * MIB }), bytes, 5 * MIB);
    expect((await hashBlobForS3(blob, { partSize: 'glacier-vaults-to-s3' })).partSize).toBe(1024 * MIB);
    expect(await codeOf(() => hashBlobForS3('x' as never, { partSize: 5 * MIB }))).toBe('ERR_INVALID_INPUT');
    expect(await codeOf(() => hashWebStreamForS3(blob.stream(), { partSize: 5 * MIB, signal: AbortSignal.abort() }))).toBe('ERR_ABORTED');
  });
});
