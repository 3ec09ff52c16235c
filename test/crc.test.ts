// The kernel's CRCs against independent implementations: @aws-sdk/crc64-nvme (the AWS SDK's own),
// node:zlib's crc32, @aws-crypto/crc32c, and a bitwise CRC written here from the definitions; plus
// the published check values of "123456789". Every length around the kernel's 16-byte steps and
// 8-byte alignment, every split point, and combine on arbitrary cut points.
import { crc32c as awsCrc32c } from '@aws-crypto/crc32c';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';
import fc from 'fast-check';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  CRC_ALGORITHMS,
  type CrcAlgorithm,
  combineCrc,
  combineCrc32,
  combineCrc32c,
  combineCrc64nvme,
  crc32,
  crc32c,
  crc64nvme,
  crcFromBytes,
  crcToBytes,
  createCrcHasher,
  formatS3Crc,
  parseS3Crc,
} from '../src/s3/index.js';
import { kernelModule } from '../src/kernel/wasm.js';
import { acquireCrcKernel, releaseCrcKernel } from '../src/s3/crc-kernel.js';
import { expectCode, randomBytes } from './helpers.js';

/** Bit by bit from the definition: reflected, init and xorout all ones. Shares nothing with the kernel. */
function bitwise64(bytes: Uint8Array): bigint {
  let crc = 0xffffffffffffffffn;
  for (const byte of bytes) {
    crc ^= BigInt(byte);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ 0x9a6c9329ac4bc9b5n : crc >> 1n;
  }
  return crc ^ 0xffffffffffffffffn;
}

function bitwise32(bytes: Uint8Array, poly: number): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ poly : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

async function awsCrc64(bytes: Uint8Array): Promise<bigint> {
  const hash = new Crc64Nvme();
  hash.update(bytes);
  const digest = await hash.digest();
  return new DataView(digest.buffer, digest.byteOffset, 8).getBigUint64(0);
}

const reference = {
  crc64nvme: (bytes: Uint8Array) => bitwise64(bytes),
  crc32: (bytes: Uint8Array) => zlibCrc32(bytes) >>> 0,
  crc32c: (bytes: Uint8Array) => awsCrc32c(bytes) >>> 0,
} as const;

const product = {
  crc64nvme: (bytes: Uint8Array, previous?: bigint) => crc64nvme(bytes, previous),
  crc32: (bytes: Uint8Array, previous?: number) => crc32(bytes, previous),
  crc32c: (bytes: Uint8Array, previous?: number) => crc32c(bytes, previous),
};

function productOf(algorithm: CrcAlgorithm, bytes: Uint8Array, previous?: bigint | number): bigint | number {
  return (product[algorithm] as (b: Uint8Array, p?: bigint | number) => bigint | number)(bytes, previous);
}

const CHECK = new TextEncoder().encode('123456789');

describe('CRC check values', () => {
  it('gives the published check values of "123456789"', () => {
    expect(crc64nvme(CHECK)).toBe(0xae8b14860a799888n);
    expect(crc32(CHECK)).toBe(0xcbf43926);
    expect(crc32c(CHECK)).toBe(0xe3069283);
    expect(crc64nvme('123456789')).toBe(0xae8b14860a799888n);
  });

  it('gives 0 for no bytes, as zlib does', () => {
    for (const algorithm of CRC_ALGORITHMS) expect(productOf(algorithm, new Uint8Array(0))).toEqual(algorithm === 'crc64nvme' ? 0n : 0);
  });

  it('the references agree with each other on the check value (the bitwise one is checked too)', async () => {
    expect(bitwise64(CHECK)).toBe(0xae8b14860a799888n);
    expect(await awsCrc64(CHECK)).toBe(0xae8b14860a799888n);
    expect(bitwise32(CHECK, 0xedb88320)).toBe(0xcbf43926);
    expect(bitwise32(CHECK, 0x82f63b78)).toBe(0xe3069283);
    expect(reference.crc32(CHECK)).toBe(0xcbf43926);
    expect(reference.crc32c(CHECK)).toBe(0xe3069283);
  });
});

describe('CRCs against independent implementations', () => {
  const data = randomBytes(1 << 16, 7);

  it('every length from 0 to 300 at every alignment 0..7 (head, 16-byte loop and tail paths)', () => {
    for (let align = 0; align < 8; align++) {
      for (let length = 0; length <= 300; length++) {
        const bytes = data.subarray(align, align + length);
        expect(crc64nvme(bytes)).toBe(reference.crc64nvme(bytes));
        expect(crc32(bytes)).toBe(reference.crc32(bytes));
        expect(crc32c(bytes)).toBe(reference.crc32c(bytes));
      }
    }
  });

  it('lengths around the two-lane threshold (4096) at every alignment, and continued from a CRC', async () => {
    const big = randomBytes(20_000, 9);
    for (let align = 0; align < 8; align++) {
      for (let length = 4070; length <= 4130; length++) {
        const bytes = big.subarray(align, align + length);
        expect(crc64nvme(bytes)).toBe(await awsCrc64(bytes));
        expect(crc32(bytes)).toBe(reference.crc32(bytes));
        expect(crc32c(bytes)).toBe(reference.crc32c(bytes));
      }
    }
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 8000 }), fc.integer({ min: 0, max: 12000 }), async (cut, length) => {
        const bytes = big.subarray(0, cut + length);
        expect(crc64nvme(bytes.subarray(cut), crc64nvme(bytes.subarray(0, cut)))).toBe(await awsCrc64(bytes));
        expect(crc32c(bytes.subarray(cut), crc32c(bytes.subarray(0, cut)))).toBe(reference.crc32c(bytes));
        expect(crc32(bytes.subarray(cut), crc32(bytes.subarray(0, cut)))).toBe(reference.crc32(bytes));
      }),
      { numRuns: 150 },
    );
  });

  it('CRC-64/NVME equals @aws-sdk/crc64-nvme on large inputs (across the 4 MiB window)', async () => {
    for (const size of [65536, (4 << 20) - 1, 4 << 20, (4 << 20) + 17, 9 << 20]) {
      const bytes = randomBytes(size, size);
      expect(crc64nvme(bytes)).toBe(await awsCrc64(bytes));
      expect(crc32(bytes)).toBe(reference.crc32(bytes));
      expect(crc32c(bytes)).toBe(reference.crc32c(bytes));
    }
  });

  it('continuing from a previous CRC equals hashing the concatenation, at every split of 200 bytes', () => {
    const bytes = data.subarray(3, 203);
    for (const algorithm of CRC_ALGORITHMS) {
      const whole = reference[algorithm](bytes);
      for (let cut = 0; cut <= bytes.length; cut++) {
        expect(productOf(algorithm, bytes.subarray(cut), productOf(algorithm, bytes.subarray(0, cut)))).toBe(whole);
      }
    }
  });

  it('random data and lengths (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 5000 }), async (bytes) => {
        expect(crc64nvme(bytes)).toBe(await awsCrc64(bytes));
        expect(crc32(bytes)).toBe(reference.crc32(bytes));
        expect(crc32c(bytes)).toBe(bitwise32(bytes, 0x82f63b78));
      }),
      { numRuns: 200 },
    );
  });
});

describe('the CRC module', () => {
  it('is a module of its own: the tree-hash kernel (both builds, embedded in every entry) has no CRC code', () => {
    for (const simd of [true, false]) {
      const exports = WebAssembly.Module.exports(kernelModule(simd)).map((e) => e.name);
      expect(exports).toContain('absorb');
      expect(exports.filter((name) => name.startsWith('crc'))).toEqual([]);
    }
    const kernel = acquireCrcKernel();
    expect(kernel.exports.layoutError()).toBe(0);
    expect(kernel.inputCapacity).toBe(4 << 20);
    releaseCrcKernel(kernel);
  });
});

describe('combineCrc', () => {
  const data = randomBytes(3000, 11);

  it('joins every split of 300 bytes exactly, for each algorithm', () => {
    const bytes = data.subarray(0, 300);
    for (const algorithm of CRC_ALGORITHMS) {
      const whole = reference[algorithm](bytes);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const a = productOf(algorithm, bytes.subarray(0, cut));
        const b = productOf(algorithm, bytes.subarray(cut));
        expect(combineCrc(algorithm, a, b, bytes.length - cut)).toBe(whole);
      }
    }
  });

  it('joins any number of pieces at arbitrary cut points (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(), { maxLength: 6 }), (bytes, rawCuts) => {
        const cuts = [...new Set(rawCuts.map((c) => c % (bytes.length + 1)))].sort((x, y) => x - y);
        const bounds = [0, ...cuts, bytes.length];
        let c64 = 0n;
        let c32 = 0;
        let c32c = 0;
        for (let i = 0; i + 1 < bounds.length; i++) {
          const piece = bytes.subarray(bounds[i], bounds[i + 1]);
          c64 = combineCrc64nvme(c64, bitwise64(piece), piece.length);
          c32 = combineCrc32(c32, reference.crc32(piece), piece.length);
          c32c = combineCrc32c(c32c, reference.crc32c(piece), piece.length);
        }
        expect(c64).toBe(bitwise64(bytes));
        expect(c32).toBe(reference.crc32(bytes));
        expect(c32c).toBe(reference.crc32c(bytes));
      }),
      { numRuns: 150 },
    );
  });

  it('joins pieces of gigabyte lengths (the shift is computed, not hashed): zeros continue the CRC', () => {
    // crc(A || 0^n) continues A through n zero bytes; combine with crc(0^n) must give the same,
    // for n far beyond anything hashed here: checked against the kernel on 5 MiB of zeros.
    const zeros = new Uint8Array(5 << 20);
    const a = data.subarray(0, 100);
    for (const algorithm of CRC_ALGORITHMS) {
      const direct = productOf(algorithm, zeros, productOf(algorithm, a));
      expect(combineCrc(algorithm, productOf(algorithm, a), productOf(algorithm, zeros), zeros.length)).toBe(direct);
    }
    // Lengths past 2^32 (40 TiB Glacier archives): with crc(B) = 0, combine shifts A by |B| bytes,
    // so one shift by 6 GiB + 1 must equal shifts by 1 GiB six times and one by 1.
    const GIB = 1024 ** 3;
    for (const algorithm of CRC_ALGORITHMS) {
      const zero = algorithm === 'crc64nvme' ? 0n : 0;
      const a = productOf(algorithm, data.subarray(0, 64));
      let stepped = a;
      for (let i = 0; i < 6; i++) stepped = combineCrc(algorithm, stepped, zero, GIB);
      stepped = combineCrc(algorithm, stepped, zero, 1);
      expect(combineCrc(algorithm, a, zero, 6 * GIB + 1)).toBe(stepped);
      expect(combineCrc(algorithm, a, zero, 6 * GIB + 1)).not.toBe(combineCrc(algorithm, a, zero, 2 * GIB + 1));
    }
  });

  it('refuses values out of range and bad lengths', () => {
    expectCode(() => combineCrc64nvme(-1n, 0n, 1), 'ERR_INVALID_INPUT');
    expectCode(() => combineCrc64nvme(1n << 64n, 0n, 1), 'ERR_INVALID_INPUT');
    expectCode(() => combineCrc32(0x100000000, 0, 1), 'ERR_INVALID_INPUT');
    expectCode(() => combineCrc32(0, 0, -1), 'ERR_INVALID_INPUT');
    expectCode(() => combineCrc32c(0, 0, 1.5), 'ERR_INVALID_INPUT');
    expectCode(() => combineCrc('md5' as CrcAlgorithm, 0, 0, 1), 'ERR_INVALID_OPTION');
    expectCode(() => crc32(CHECK, 2 ** 32), 'ERR_INVALID_INPUT');
    expectCode(() => crc64nvme(CHECK, 5 as unknown as bigint), 'ERR_INVALID_INPUT');
    expectCode(() => crc64nvme(42 as unknown as Uint8Array), 'ERR_INVALID_INPUT');
  });
});

describe('S3 text forms', () => {
  it('base64 of the big-endian bytes, as S3 prints them', () => {
    expect(formatS3Crc('crc64nvme', 0xae8b14860a799888n)).toBe(Buffer.from('ae8b14860a799888', 'hex').toString('base64'));
    expect(formatS3Crc('crc32', 0xcbf43926)).toBe('y/Q5Jg==');
    expect(formatS3Crc('crc32c', 0xe3069283)).toBe(Buffer.from('e3069283', 'hex').toString('base64'));
    expect(formatS3Crc('crc32', 0)).toBe('AAAAAA==');
  });

  it('parses its own output back and refuses other text', () => {
    expect(parseS3Crc('crc64nvme', formatS3Crc('crc64nvme', 0xae8b14860a799888n))).toBe(0xae8b14860a799888n);
    expect(parseS3Crc('crc32', 'y/Q5Jg==')).toBe(0xcbf43926);
    expect(parseS3Crc('crc32', 'y/Q5Jg')).toBeUndefined(); // no padding
    expect(parseS3Crc('crc32', 'y/Q5Jh==')).toBeUndefined(); // not canonical
    expect(parseS3Crc('crc64nvme', 'y/Q5Jg==')).toBeUndefined(); // 4 bytes, not 8
    expect(crcFromBytes('crc32c', crcToBytes('crc32c', 0xe3069283))).toBe(0xe3069283);
    expectCode(() => crcFromBytes('crc32', new Uint8Array(8)), 'ERR_INVALID_DIGEST');
  });
});

describe('createCrcHasher', () => {
  it('gives the same value however the input is cut, and finishes at digest()', async () => {
    const bytes = randomBytes(9 << 20, 3);
    const hasher = createCrcHasher('crc64nvme');
    for (let offset = 0, step = 1; offset < bytes.length; offset += step, step = step * 3 + 1) {
      hasher.update(bytes.subarray(offset, Math.min(offset + step, bytes.length)));
    }
    expect(hasher.size).toBe(bytes.length);
    expect(hasher.value).toBe(await awsCrc64(bytes));
    expect(hasher.digest('base64')).toBe(formatS3Crc('crc64nvme', await awsCrc64(bytes)));
    expectCode(() => hasher.update(bytes), 'ERR_HASH_FINALIZED');
    expect(createCrcHasher('crc32').update('123456789').digest('hex')).toBe('cbf43926');
    expectCode(() => createCrcHasher('crc16' as CrcAlgorithm), 'ERR_INVALID_OPTION');
  });
});
