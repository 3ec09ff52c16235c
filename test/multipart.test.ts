import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MAX_ARCHIVE_SIZE,
  MAX_PARTS,
  MAX_PART_SIZE,
  MAX_SINGLE_UPLOAD_SIZE,
  MIN_PART_SIZE,
  VALID_PART_SIZES,
  assertValidPartSize,
  choosePartSize,
  formatContentRange,
  isValidPartSize,
  parseContentRange,
  partCount,
  planParts,
  validatePart,
} from '../src/upload/plan.js';
import { parseSize } from '../src/core/format.js';
import { codeOfSync } from './helpers.js';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const TIB = 1024 * GIB;

/** Independent statement of the chooser rule (GLACIER.md §2.4), on BigInt: smallest 2^k MiB with 10,000 × p ≥ S. */
function expectedMinimumPartSize(archiveSize: number): number | undefined {
  for (let k = 0n; k <= 12n; k++) {
    const p = (1n << 20n) << k;
    if (p * 10_000n >= BigInt(archiveSize)) return Number(p);
  }
  return undefined;
}

// Part size arbitrary over all 13 valid values; archive sizes biased to boundaries of that part size.
const partSizeArb = fc.constantFrom(...VALID_PART_SIZES);
const archiveForPartSize = (p: number) =>
  fc.oneof(
    fc.integer({ min: 1, max: Math.min(MAX_ARCHIVE_SIZE, p * MAX_PARTS) }),
    fc.tuple(fc.integer({ min: 1, max: MAX_PARTS }), fc.integer({ min: -2, max: 0 })).map(([parts, delta]) => Math.max(1, parts * p + delta)),
    fc.integer({ min: 1, max: 3 * p + 2 }),
  );

describe('limits', () => {
  it('has the 13 part sizes 2^20 … 2^32 and the documented maxima', () => {
    expect(VALID_PART_SIZES).toEqual([
      1048576, 2097152, 4194304, 8388608, 16777216, 33554432, 67108864, 134217728, 268435456, 536870912, 1073741824, 2147483648, 4294967296,
    ]);
    expect(MIN_PART_SIZE).toBe(1048576);
    expect(MAX_PART_SIZE).toBe(4294967296);
    expect(MAX_PARTS).toBe(10000);
    expect(MAX_ARCHIVE_SIZE).toBe(42_949_672_960_000);
    expect(MAX_SINGLE_UPLOAD_SIZE).toBe(4 * 1024 * 1024 * 1024);
  });

  it('isValidPartSize accepts exactly the 13 sizes (GLACIER.md §2.4)', () => {
    for (const ok of [1048576, 4294967296, 8 * MIB]) expect(isValidPartSize(ok)).toBe(true);
    for (const bad of [0, 524288, 3145728, 10485760, 8589934592, -MIB, MIB + 0.5, NaN, Infinity, '1048576', null, undefined]) {
      expect(isValidPartSize(bad)).toBe(false);
    }
    for (let k = -1; k <= 40; k++) {
      const value = 2 ** k;
      expect(isValidPartSize(value)).toBe(k >= 20 && k <= 32);
    }
  });

  it('assertValidPartSize throws ERR_INVALID_PART_SIZE with the rule in the message', () => {
    expect(codeOfSync(() => assertValidPartSize(10485760))).toBe('ERR_INVALID_PART_SIZE');
    expect(() => assertValidPartSize(10485760)).toThrow(/1 MiB × 2\^k.*10485760/);
    expect(() => assertValidPartSize(MIB)).not.toThrow();
  });
});

describe('choosePartSize / planParts extremes (GLACIER.md §2.4, boto test_utils)', () => {
  const cases: [number, number, number][] = [
    [1, MIB, 1],
    [MIB, MIB, 1],
    [10_000 * MIB, MIB, 10_000],
    [10_000 * MIB + 1, 2 * MIB, 5_001],
    [8 * MIB * 10_000, 8 * MIB, 10_000],
    [100 * GIB, 16 * MIB, 6_400],
    [1 * TIB, 128 * MIB, 8_192],
    [4 * TIB, 512 * MIB, 8_192],
    [42_949_672_960_000, 4 * GIB, 10_000],
  ];
  for (const [size, partSize, count] of cases) {
    it(`${size} bytes → ${partSize / MIB} MiB, ${count} parts`, () => {
      expect(choosePartSize(size)).toBe(partSize);
      const plan = planParts(size);
      expect(plan.partSize).toBe(partSize);
      expect(plan.archiveSize).toBe(size);
      expect(plan.parts.length).toBe(count);
      const last = plan.parts[count - 1]!;
      expect(last.end).toBe(size - 1);
    });
  }

  it('refuses one byte more than 10,000 × 4 GiB', () => {
    expect(codeOfSync(() => choosePartSize(42_949_672_960_001))).toBe('ERR_ARCHIVE_TOO_LARGE');
    expect(codeOfSync(() => planParts(42_949_672_960_001))).toBe('ERR_ARCHIVE_TOO_LARGE');
    expect(codeOfSync(() => planParts(42_949_672_960_001, 4 * GIB))).toBe('ERR_ARCHIVE_TOO_LARGE');
  });

  it('refuses an empty archive and sizes that are not byte counts', () => {
    expect(codeOfSync(() => planParts(0))).toBe('ERR_EMPTY_ARCHIVE');
    expect(codeOfSync(() => planParts(0, MIB))).toBe('ERR_EMPTY_ARCHIVE');
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 53, '100', undefined]) {
      expect(codeOfSync(() => planParts(bad as number))).toBe('ERR_INVALID_SIZE');
    }
  });

  it('refuses an invalid part size and too many parts for the given size', () => {
    for (const bad of [0, 524288, 3 * MIB, 10 * MIB, 8 * GIB, -MIB, NaN]) {
      expect(codeOfSync(() => planParts(100, bad))).toBe('ERR_INVALID_PART_SIZE');
    }
    expect(codeOfSync(() => planParts(10_000 * MIB + 1, MIB))).toBe('ERR_TOO_MANY_PARTS');
    expect(codeOfSync(() => planParts(100 * GIB, 8 * MIB))).toBe('ERR_TOO_MANY_PARTS');
    expect(planParts(10_000 * MIB, MIB).parts.length).toBe(10_000);
  });

  it('the AWS CLI walkthrough: 4,608,000 bytes in 1 MiB parts (uploading-an-archive-mpu-using-cli)', () => {
    const plan = planParts(4_608_000, MIB);
    expect(plan.parts.map((p) => p.contentRange)).toEqual([
      'bytes 0-1048575/*',
      'bytes 1048576-2097151/*',
      'bytes 2097152-3145727/*',
      'bytes 3145728-4194303/*',
      'bytes 4194304-4607999/*',
    ]);
    expect(plan.parts[4]).toEqual({
      index: 4,
      start: 4194304,
      end: 4607999,
      size: 413_696,
      contentRange: 'bytes 4194304-4607999/*',
    });
    expect(planParts(4_608_000)).toEqual(plan);
    expect(partCount(4_608_000, MIB)).toBe(5);
  });
});

describe('planParts properties', () => {
  it('the default part size is the smallest valid one keeping ≤ 10,000 parts', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 1, max: MAX_ARCHIVE_SIZE }),
          fc.constantFrom(...VALID_PART_SIZES).chain((p) => fc.integer({ min: -1, max: 1 }).map((d) => p * MAX_PARTS + d)),
        ),
        (size) => {
          const expected = expectedMinimumPartSize(size);
          if (expected === undefined || size > MAX_ARCHIVE_SIZE) {
            expect(codeOfSync(() => choosePartSize(size))).toBe('ERR_ARCHIVE_TOO_LARGE');
          } else {
            expect(choosePartSize(size)).toBe(expected);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('parts tile [0, size) exactly, every part but the last has the part size', () => {
    fc.assert(
      fc.property(
        partSizeArb.chain((p) => fc.tuple(fc.constant(p), archiveForPartSize(p))),
        ([partSize, size]) => {
          const plan = planParts(size, partSize);
          expect(plan.parts.length).toBe(Math.ceil(size / partSize));
          expect(plan.parts.length).toBeLessThanOrEqual(MAX_PARTS);
          // Plain comparisons per part (expect() per part is too slow for 10,000-part plans).
          let next = 0;
          const problems: string[] = [];
          plan.parts.forEach((part, i) => {
            const isLast = i === plan.parts.length - 1;
            if (part.index !== i) problems.push(`index ${part.index} at ${i}`);
            if (part.start !== next) problems.push(`part ${i} starts at ${part.start}, expected ${next}`);
            if (part.size !== part.end - part.start + 1) problems.push(`part ${i} size ${part.size}`);
            if (part.contentRange !== `bytes ${part.start}-${part.end}/*`) problems.push(`part ${i} ${part.contentRange}`);
            if (isLast ? part.size < 1 || part.size > partSize : part.size !== partSize) problems.push(`part ${i} size ${part.size}`);
            next = part.end + 1;
          });
          expect(problems).toEqual([]);
          expect(next).toBe(size);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('every planned part validates to itself; every shifted or resized one fails with its code', () => {
    fc.assert(
      fc.property(
        partSizeArb.chain((p) => fc.tuple(fc.constant(p), archiveForPartSize(p), fc.nat())),
        ([partSize, archiveSize, pick]) => {
          const { parts } = planParts(archiveSize, partSize);
          const part = parts[pick % parts.length]!;
          const options = { partSize, archiveSize };
          expect(validatePart(part.contentRange, options)).toEqual(part);
          expect(validatePart({ start: part.start, end: part.end }, options)).toEqual(part);
          expect(validatePart(part, { partSize })).toEqual(part);
          const isLast = part.index === parts.length - 1;
          // Shift the start by one byte either way: misaligned (unless that makes END < START).
          if (part.size > 1) expect(codeOfSync(() => validatePart({ start: part.start + 1, end: part.end }, options))).toBe('ERR_PART_MISALIGNED');
          if (part.start > 0) expect(codeOfSync(() => validatePart({ start: part.start - 1, end: part.end }, options))).toBe('ERR_PART_MISALIGNED');
          // One byte longer: past the end for the last part, longer than the part size otherwise.
          expect(codeOfSync(() => validatePart({ start: part.start, end: part.end + 1 }, options))).toBe(
            isLast ? 'ERR_PART_OUT_OF_BOUNDS' : 'ERR_PART_SIZE_MISMATCH',
          );
          // One byte shorter: always a size mismatch (a non-last part must be full, the last must reach the end).
          if (part.size > 1) expect(codeOfSync(() => validatePart({ start: part.start, end: part.end - 1 }, options))).toBe('ERR_PART_SIZE_MISMATCH');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('validatePart', () => {
  const options = { partSize: 4 * MIB, archiveSize: 10 * MIB };

  it('accepts the parts of a 10 MiB archive in 4 MiB parts', () => {
    expect(validatePart('bytes 0-4194303/*', options).index).toBe(0);
    expect(validatePart('bytes 4194304-8388607/*', options).index).toBe(1);
    expect(validatePart('bytes 8388608-10485759/*', options)).toEqual({
      index: 2,
      start: 8388608,
      end: 10485759,
      size: 2 * MIB,
      contentRange: 'bytes 8388608-10485759/*',
    });
  });

  it('gives one code per failure', () => {
    // "2 MiB–6 MiB with a 4 MiB part size is rejected" (api-upload-part).
    expect(codeOfSync(() => validatePart({ start: 2 * MIB, end: 6 * MIB - 1 }, options))).toBe('ERR_PART_MISALIGNED');
    expect(codeOfSync(() => validatePart('bytes 0-8388607/*', options))).toBe('ERR_PART_SIZE_MISMATCH');
    expect(codeOfSync(() => validatePart('bytes 0-1048575/*', options))).toBe('ERR_PART_SIZE_MISMATCH');
    expect(codeOfSync(() => validatePart('bytes 8388608-9437183/*', options))).toBe('ERR_PART_SIZE_MISMATCH');
    expect(codeOfSync(() => validatePart('bytes 8388608-12582911/*', options))).toBe('ERR_PART_OUT_OF_BOUNDS');
    expect(codeOfSync(() => validatePart('bytes 12582912-12582913/*', options))).toBe('ERR_PART_OUT_OF_BOUNDS');
    expect(codeOfSync(() => validatePart('bytes 0-4194303', options))).toBe('ERR_INVALID_CONTENT_RANGE');
    expect(codeOfSync(() => validatePart({ start: 5, end: 4 }, options))).toBe('ERR_INVALID_CONTENT_RANGE');
    expect(codeOfSync(() => validatePart({ start: -4 * MIB, end: 0 }, options))).toBe('ERR_INVALID_CONTENT_RANGE');
    expect(codeOfSync(() => validatePart('bytes 0-4194303/4194304', options))).toBe('ERR_INVALID_CONTENT_RANGE');
    expect(validatePart('bytes 0-4194303/10485760', options).index).toBe(0);
    // A complete length stands for the archive size when none is given.
    expect(validatePart('bytes 8388608-10485759/10485760', { partSize: 4 * MIB }).size).toBe(2 * MIB);
    expect(codeOfSync(() => validatePart('bytes 8388608-9437183/10485760', { partSize: 4 * MIB }))).toBe('ERR_PART_SIZE_MISMATCH');
    expect(codeOfSync(() => validatePart('bytes 0-4194303/42949672960001', { partSize: 4 * MIB }))).toBe('ERR_ARCHIVE_TOO_LARGE');
    expect(codeOfSync(() => validatePart('bytes 0-4194303/*', { partSize: 3 * MIB }))).toBe('ERR_INVALID_PART_SIZE');
    expect(codeOfSync(() => validatePart('bytes 0-4194303/*', { partSize: 4 * MIB, archiveSize: 0 }))).toBe('ERR_EMPTY_ARCHIVE');
  });

  it('without an archive size, accepts a short part and bounds the part number at 10,000', () => {
    expect(validatePart('bytes 4194304-4194305/*', { partSize: 4 * MIB }).size).toBe(2);
    const lastAllowed = 9_999 * MIB;
    expect(validatePart({ start: lastAllowed, end: lastAllowed + MIB - 1 }, { partSize: MIB }).index).toBe(9_999);
    expect(codeOfSync(() => validatePart({ start: 10_000 * MIB, end: 10_000 * MIB }, { partSize: MIB }))).toBe('ERR_PART_OUT_OF_BOUNDS');
  });
});

describe('Content-Range', () => {
  it('parses Glacier and RFC forms', () => {
    expect(parseContentRange('bytes 0-8388607/*')).toEqual({ start: 0, end: 8388607 });
    expect(parseContentRange('bytes 4194304-4607999/*')).toEqual({ start: 4194304, end: 4607999 });
    expect(parseContentRange(' Bytes 0-0/* ')).toEqual({ start: 0, end: 0 });
    expect(parseContentRange('bytes 0-9/100')).toEqual({ start: 0, end: 9, total: 100 });
    expect(parseContentRange('bytes 42949672955904-42949672959999/*')).toEqual({
      start: 42_949_672_955_904,
      end: 42_949_672_959_999,
    });
  });

  it('refuses everything else with ERR_INVALID_CONTENT_RANGE', () => {
    for (const bad of [
      '',
      'bytes 0-1',
      '0-1/*',
      'items 0-1/*',
      'bytes -1-5/*',
      'bytes 5-1/*',
      'bytes 0-1/*x',
      'bytes 1.5-2/*',
      'bytes 0x0-1/*',
      'bytes 0-9007199254740992/*',
      'bytes 0-9/9',
      'bytes=0-1',
      42,
      null,
    ]) {
      expect(codeOfSync(() => parseContentRange(bad as string))).toBe('ERR_INVALID_CONTENT_RANGE');
    }
  });

  it('formats and parses back', () => {
    fc.assert(
      fc.property(fc.nat({ max: MAX_ARCHIVE_SIZE }), fc.nat({ max: MAX_ARCHIVE_SIZE }), (a, b) => {
        const range = { start: Math.min(a, b), end: Math.max(a, b) };
        const header = formatContentRange(range);
        expect(header).toBe(`bytes ${range.start}-${range.end}/*`);
        expect(parseContentRange(header)).toEqual(range);
      }),
    );
    expect(codeOfSync(() => formatContentRange({ start: 2, end: 1 }))).toBe('ERR_INVALID_CONTENT_RANGE');
    expect(codeOfSync(() => formatContentRange({ start: 0.5, end: 1 }))).toBe('ERR_INVALID_CONTENT_RANGE');
  });
});

describe('parseSize', () => {
  it('reads human sizes', () => {
    expect(parseSize('8MiB')).toBe(8_388_608);
    expect(parseSize('1GiB')).toBe(1_073_741_824);
    expect(parseSize(8_388_608)).toBe(8_388_608);
    expect(parseSize('4608000')).toBe(4_608_000);
    expect(parseSize('1.5GiB')).toBe(1_610_612_736);
    expect(parseSize(' 8 mib ')).toBe(8 * MIB);
    expect(parseSize('8M')).toBe(8 * MIB);
    expect(parseSize('512k')).toBe(524_288);
    expect(parseSize('4096MiB')).toBe(4 * GIB);
    expect(parseSize('40000GiB')).toBe(42_949_672_960_000);
    expect(parseSize('1TiB')).toBe(TIB);
    expect(parseSize('0')).toBe(0);
    expect(parseSize('12B')).toBe(12);
  });

  it('refuses non-sizes with ERR_INVALID_SIZE', () => {
    for (const bad of [
      '',
      'MiB',
      '-1',
      '1.5',
      '0.1KiB',
      '8XB',
      '8MB',
      '8 mb',
      '1GB',
      '512KB',
      '1TB',
      '1e6',
      '8 Mi B',
      'auto',
      '9007199254740992',
      '8388608TiB',
      -1,
      1.5,
      NaN,
      null,
      {},
    ]) {
      expect(codeOfSync(() => parseSize(bad as string))).toBe('ERR_INVALID_SIZE');
    }
  });

  it('scales every unit exactly', () => {
    const units: [string, number][] = [
      ['', 1],
      ['B', 1],
      ['K', 1024],
      ['KiB', 1024],
      ['M', MIB],
      ['MiB', MIB],
      ['G', GIB],
      ['GiB', GIB],
      ['T', TIB],
      ['TiB', TIB],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...units), fc.nat({ max: 4096 }), ([unit, scale], n) => {
        expect(parseSize(`${n}${unit}`)).toBe(n * scale);
        expect(parseSize(`${n} ${unit.toLowerCase()}`)).toBe(n * scale);
      }),
    );
  });
});
