import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  alignRange,
  expectsChecksum,
  explainChecksumExpectation,
  explainRetrievalRange,
  explainTreeHashAlignment,
  isTreeHashAligned,
  isValidRetrievalRange,
} from '../src/retrieval/ranges.js';
import { alignedRangesForLeaves, planDownload, describeDownloadPlan, downloadChunks } from '../src/retrieval/download-plan.js';
import { formatHttpRange, formatRetrievalRange, parseRange, type ByteRange } from '../src/core/byte-range.js';
import { TreeHashError } from '../src/core/errors.js';
import { parseContentRange } from '../src/upload/plan.js';
import { bruteNodeSpans } from './retrieval-fixtures.js';

const M = 1024 * 1024;

/** All megabyte-aligned in-bounds ranges of a payload (every pair of leaf boundaries). */
function* leafBoundaryRanges(size: number): Generator<ByteRange> {
  const leaves = Math.ceil(size / M);
  for (let a = 0; a < leaves; a++) {
    for (let b = a + 1; b <= leaves; b++) yield { start: a * M, end: Math.min(b * M, size) - 1 };
  }
}

const key = (r: ByteRange) => `${r.start}-${r.end}`;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TreeHashError);
    return (error as TreeHashError).code;
  }
  return undefined;
}

describe('isTreeHashAligned and isValidRetrievalRange against a brute-force tree', () => {
  // Each leaf count with a full last leaf and with a partial one (two different partial lengths).
  const sizes: number[] = [];
  for (let leaves = 1; leaves <= 200; leaves++) {
    sizes.push(leaves * M, (leaves - 1) * M + 1 + ((leaves * 7919) % (M - 1)));
  }

  it('labels every leaf-boundary range of every archive of 1..200 leaves exactly as the tree does', () => {
    let checked = 0;
    for (const size of sizes) {
      const nodes = bruteNodeSpans(size);
      let aligned = 0;
      for (const range of leafBoundaryRanges(size)) {
        const isNode = nodes.has(key(range));
        if (isTreeHashAligned(range, size) !== isNode) {
          throw new Error(`size ${size}: range ${key(range)} labelled ${!isNode}, the tree says ${isNode}`);
        }
        if (!isValidRetrievalRange(range, size)) throw new Error(`size ${size}: ${key(range)} should be valid`);
        if (isNode) aligned++;
        checked++;
      }
      // Every node span was found among the candidates (none outside leaf boundaries).
      expect(aligned).toBe(nodes.size);
    }
    expect(checked).toBeGreaterThan(2_000_000);
  });

  it('rejects ranges off the 1 MiB grid, and the explanations agree with the predicates', () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const size of sizes.filter((_, i) => i % 5 === 0)) {
      const nodes = bruteNodeSpans(size);
      for (const range of leafBoundaryRanges(size)) {
        const shifted = [
          { start: range.start + 1, end: range.end },
          { start: range.start, end: range.end - 1 },
        ];
        for (const r of shifted) {
          if (r.start > r.end) continue;
          // start + 1 is never a MiB multiple; end − 1 is only megabyte aligned if it was not the last byte.
          const valid = r.start % M === 0 && ((r.end + 1) % M === 0 || r.end === size - 1);
          if (isValidRetrievalRange(r, size) !== valid) mismatches.push(`valid ${size} ${key(r)}`);
          if (isTreeHashAligned(r, size) !== nodes.has(key(r))) mismatches.push(`aligned ${size} ${key(r)}`);
          checked++;
        }
        if ((explainTreeHashAlignment(range, size) === null) !== nodes.has(key(range))) mismatches.push(`explain ${key(range)}`);
        if (explainRetrievalRange(range, size) !== null) mismatches.push(`retrieval ${key(range)}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(100_000);
  });

  it('tree-hash aligned implies megabyte aligned (random ranges, large sizes)', () => {
    let aligned = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 42_949_672_960_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (size, a, b) => {
          // Ranges on leaf boundaries (else none would be aligned and the check could not fail).
          const leaves = Math.ceil(size / M);
          const first = Math.floor(Math.min(a, b) * (leaves - 1));
          const end = Math.max(first + 1, Math.ceil(Math.max(a, b) * leaves));
          const range = { start: first * M, end: Math.min(end * M, size) - 1 };
          if (isTreeHashAligned(range, size)) {
            aligned++;
            expect(isValidRetrievalRange(range, size)).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
    expect(aligned).toBeGreaterThan(20);
  });
});

describe('the worked examples', () => {
  it('6.5 MiB archive: exactly 13 aligned ranges (GLACIER.md 2.3)', () => {
    const size = 6_815_744;
    const expected = [
      '0-1048575',
      '1048576-2097151',
      '2097152-3145727',
      '3145728-4194303',
      '4194304-5242879',
      '5242880-6291455',
      '6291456-6815743',
      '0-2097151',
      '2097152-4194303',
      '4194304-6291455',
      '0-4194303',
      '4194304-6815743',
      '0-6815743',
    ];
    const found = [...leafBoundaryRanges(size)].filter((r) => isTreeHashAligned(r, size)).map(key);
    expect(new Set(found)).toEqual(new Set(expected));
    expect(found).toHaveLength(13);
    for (const text of ['1048576-3145727', '3145728-5242879', '0-3145727', '2097152-6815743']) {
      const range = parseRange(text);
      expect(isValidRetrievalRange(range, size)).toBe(true);
      expect(isTreeHashAligned(range, size)).toBe(false);
    }
  });

  it('3,250,000-byte archive (GLACIER.md 2.4)', () => {
    const size = 3_250_000;
    for (const text of ['0-1048575', '1048576-3249999', '2097152-3249999']) {
      expect(isValidRetrievalRange(parseRange(text), size)).toBe(true);
    }
    for (const text of ['0-999999', '1-1048576']) {
      expect(isValidRetrievalRange(parseRange(text), size)).toBe(false);
      expect(explainRetrievalRange(parseRange(text), size)).toMatch(/MiB/);
    }
    for (const text of ['0-1048575', '1048576-2097151', '2097152-3249999', '0-3249999']) {
      expect(isTreeHashAligned(parseRange(text), size)).toBe(true);
      expect(expectsChecksum({ archiveSize: size, retrievalRange: parseRange(text) })).toBe(true);
    }
    expect(isTreeHashAligned(parseRange('1048576-3249999'), size)).toBe(false);
    expect(expectsChecksum({ archiveSize: size, retrievalRange: parseRange('1048576-3249999') })).toBe(false);
  });

  it('100 MiB + 12345 bytes (issue 5)', () => {
    const size = 100 * M + 12345;
    const end = size - 1;
    expect(isTreeHashAligned({ start: 96 * M, end }, size)).toBe(true);
    expect(isTreeHashAligned({ start: 64 * M, end }, size)).toBe(true);
    expect(isTreeHashAligned({ start: 98 * M, end }, size)).toBe(false);
    expect(isTreeHashAligned({ start: 0, end: 100 * M - 1 }, size)).toBe(false);
    expect(isTreeHashAligned({ start: 0, end }, size)).toBe(true);
    expect(isValidRetrievalRange({ start: 98 * M, end }, size)).toBe(true);
    expect(isValidRetrievalRange({ start: 0, end: 100 * M - 1 }, size)).toBe(true);
    expect(explainTreeHashAlignment({ start: 98 * M, end }, size)).toMatch(/block of 4 MiB/);
    expect(explainTreeHashAlignment({ start: 0, end: 100 * M - 1 }, size)).toMatch(/not a power-of-two/);
    expect(alignRange({ start: 98 * M, end }, size).treeHashAligned).toEqual({ start: 96 * M, end });
    expect(alignRange({ start: 0, end: 100 * M - 1 }, size).treeHashAligned).toEqual({ start: 0, end });
  });

  it('the largest archive: sizes past 2^32 work', () => {
    const size = 42_949_672_960_000;
    const lastLeaf = { start: size - M, end: size - 1 };
    expect(isTreeHashAligned(lastLeaf, size)).toBe(true);
    expect(isTreeHashAligned({ start: 2 ** 40, end: 2 ** 41 - 1 }, size)).toBe(true);
    expect(isTreeHashAligned({ start: 2 ** 40 + M, end: 2 ** 41 + M - 1 }, size)).toBe(false);
    expect(alignRange({ start: 2 ** 33 + 5, end: 2 ** 33 + 6 }, size)).toEqual({
      megabyteAligned: { start: 2 ** 33, end: 2 ** 33 + M - 1 },
      treeHashAligned: { start: 2 ** 33, end: 2 ** 33 + M - 1 },
    });
  });
});

describe('alignRange', () => {
  it('gives the smallest covering node and megabyte range (brute force, all ranges up to 40 leaves)', () => {
    const failures: string[] = [];
    for (let leaves = 1; leaves <= 40; leaves++) {
      for (const size of [leaves * M, leaves * M - 300_000]) {
        if (size <= 0) continue;
        const nodes = [...bruteNodeSpans(size)].map((s) => s.split('-').map(Number) as [number, number]);
        const offsets = [0, 1, M - 1];
        for (let a = 0; a < leaves; a++) {
          for (let b = a; b < leaves; b++) {
            for (const da of offsets) {
              const start = a * M + da;
              const end = Math.min(b * M + M - 1 - offsets[(a + b) % 3]!, size - 1);
              if (start > end || start >= size) continue;
              const covers = alignRange({ start, end }, size);
              const containing = nodes.filter(([s, e]) => s <= start && end <= e);
              const smallest = containing.reduce((x, y) => (y[1] - y[0] < x[1] - x[0] ? y : x));
              const megabyteEnd = Math.min((Math.floor(end / M) + 1) * M, size) - 1;
              const right =
                covers.treeHashAligned.start === smallest[0] &&
                covers.treeHashAligned.end === smallest[1] &&
                covers.megabyteAligned.start === a * M &&
                covers.megabyteAligned.end === megabyteEnd &&
                isValidRetrievalRange(covers.megabyteAligned, size);
              if (!right) failures.push(`${size}: ${start}-${end} → ${JSON.stringify(covers)}`);
            }
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses ranges outside the payload', () => {
    expect(codeOf(() => alignRange({ start: 0, end: 10 }, 10))).toBe('ERR_INVALID_RANGE');
    expect(codeOf(() => alignRange({ start: 5, end: 4 }, 10))).toBe('ERR_INVALID_RANGE');
    expect(codeOf(() => alignRange({ start: -1, end: 4 }, 10))).toBe('ERR_INVALID_RANGE');
  });
});

describe('bounds and bad input', () => {
  it('answers false, with a reason, for in-type ranges outside the archive', () => {
    const size = 3 * M;
    for (const range of [
      { start: 0, end: size },
      { start: M, end: M - 1 },
      { start: -M, end: M - 1 },
      { start: 4 * M, end: 5 * M - 1 },
    ]) {
      expect(isValidRetrievalRange(range, size)).toBe(false);
      expect(isTreeHashAligned(range, size)).toBe(false);
      expect(explainRetrievalRange(range, size)).toEqual(expect.any(String));
    }
  });

  it('throws typed errors for malformed arguments', () => {
    const bad: unknown[] = [null, undefined, 5, '0-1', { start: 0 }, { start: 0.5, end: 3 }, { start: 0, end: NaN }, { start: 0, end: 2 ** 53 }];
    for (const range of bad) {
      expect(codeOf(() => isTreeHashAligned(range as ByteRange, M))).toBe('ERR_INVALID_RANGE');
      expect(codeOf(() => isValidRetrievalRange(range as ByteRange, M))).toBe('ERR_INVALID_RANGE');
    }
    for (const size of [0, -1, 1.5, NaN, Infinity, 2 ** 53, '100', undefined]) {
      expect(codeOf(() => isTreeHashAligned({ start: 0, end: 0 }, size as number))).toBe('ERR_INVALID_SIZE');
      expect(codeOf(() => planDownload({ archiveSize: size as number, chunkSize: M }))).toBe('ERR_INVALID_SIZE');
    }
  });
});

describe('parseRange / formatRetrievalRange', () => {
  it('parses the three forms Glacier uses', () => {
    expect(parseRange('bytes=0-1048575')).toEqual({ start: 0, end: 1048575 });
    // The unit is case-insensitive (RFC 9110), as parseContentRange has it: one reader for both.
    expect(parseRange('BYTES=0-5')).toEqual({ start: 0, end: 5 });
    expect(parseRange('Bytes 0-5/*')).toEqual({ start: 0, end: 5 });
    expect(parseContentRange('BYTES 0-5/*')).toEqual({ start: 0, end: 5 });
    for (const text of ['0-5', 'bytes=0-5']) {
      expect(() => parseContentRange(text)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_CONTENT_RANGE' }));
    }
    expect(parseRange('0-1048575')).toEqual({ start: 0, end: 1048575 });
    expect(parseRange('bytes 0-1048575/*')).toEqual({ start: 0, end: 1048575 });
    expect(parseRange(' 4194304-4607999 ')).toEqual({ start: 4194304, end: 4607999 });
    expect(parseRange('bytes 0-1048575/8388608')).toEqual({ start: 0, end: 1048575 });
    expect(parseRange('42949672959999-42949672959999')).toEqual({ start: 42949672959999, end: 42949672959999 });
  });

  it('rejects everything else with ERR_INVALID_RANGE', () => {
    for (const text of [
      '',
      '-',
      'bytes=-500',
      'bytes=100-',
      'bytes=0-1,5-6',
      '5-3',
      '0x10-0x20',
      '1e3-2e3',
      '0 - 10',
      'bytes=0-10/*',
      'bytes 0-10',
      'bytes 0-10/5',
      'bytes 0-10/x',
      '9007199254740993-9007199254740994',
      '-1-5',
      'bits=0-1',
    ]) {
      expect(
        codeOf(() => parseRange(text)),
        text,
      ).toBe('ERR_INVALID_RANGE');
    }
    expect(codeOf(() => parseRange(5 as unknown as string))).toBe('ERR_INVALID_RANGE');
  });

  it('formats and round-trips', () => {
    expect(formatRetrievalRange({ start: 0, end: 1048575 })).toBe('0-1048575');
    expect(formatHttpRange({ start: 0, end: 1048575 })).toBe('bytes=0-1048575');
    expect(codeOf(() => formatRetrievalRange({ start: 3, end: 2 }))).toBe('ERR_INVALID_RANGE');
    expect(codeOf(() => formatRetrievalRange({ start: -3, end: 2 }))).toBe('ERR_INVALID_RANGE');
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.maxSafeNat(), (a, b) => {
        const range = { start: Math.min(a, b), end: Math.max(a, b) };
        expect(parseRange(formatRetrievalRange(range))).toEqual(range);
        expect(parseRange(formatHttpRange(range))).toEqual(range);
      }),
    );
  });
});

describe('expectsChecksum', () => {
  it('follows the four cases of "Receiving Checksums When Downloading Data"', () => {
    const archiveSize = 6_815_744;
    expect(expectsChecksum({ archiveSize })).toBe(true); // 1: whole archive
    expect(expectsChecksum({ archiveSize, downloadRange: parseRange('4194304-6815743') })).toBe(true); // 2
    expect(expectsChecksum({ archiveSize, downloadRange: parseRange('1048576-3145727') })).toBe(false);
    expect(expectsChecksum({ archiveSize, downloadRange: parseRange('0-100') })).toBe(false);
    const retrievalRange = parseRange('4194304-6815743'); // 2.5 MiB job output
    expect(expectsChecksum({ archiveSize, retrievalRange })).toBe(true); // 3
    expect(expectsChecksum({ archiveSize, retrievalRange, downloadRange: parseRange('0-2097151') })).toBe(true); // 4
    expect(expectsChecksum({ archiveSize, retrievalRange, downloadRange: parseRange('2097152-2621439') })).toBe(true);
    expect(expectsChecksum({ archiveSize, retrievalRange, downloadRange: parseRange('1048576-2621439') })).toBe(false);
    // An unaligned retrieval range: no response of that job carries the header.
    const unaligned = parseRange('2097152-6815743');
    expect(expectsChecksum({ archiveSize, retrievalRange: unaligned })).toBe(false);
    expect(expectsChecksum({ archiveSize, retrievalRange: unaligned, downloadRange: parseRange('0-1048575') })).toBe(false);
    expect(explainChecksumExpectation({ archiveSize, retrievalRange: unaligned })).toMatch(/retrieval range/);
    // The download range is checked against the job output even when the retrieval range already says "no".
    const unalignedFromOne = parseRange('1048576-3145727'); // a 2 MiB job output
    for (const downloadRange of [parseRange('0-2097152'), { start: 5, end: 1 }, { start: 0, end: 1.5 }]) {
      const error = (() => {
        try {
          explainChecksumExpectation({ archiveSize, retrievalRange: unalignedFromOne, downloadRange });
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(TreeHashError);
      expect((error as TreeHashError).code).toBe('ERR_INVALID_RANGE');
    }
  });

  it('judging the download range against the job output equals judging its absolute position (brute force)', () => {
    for (let leaves = 1; leaves <= 24; leaves++) {
      for (const archiveSize of [leaves * M, leaves * M - 777]) {
        const nodes = bruteNodeSpans(archiveSize);
        for (const retrievalRange of leafBoundaryRanges(archiveSize)) {
          if (!nodes.has(key(retrievalRange))) continue;
          const outputSize = retrievalRange.end + 1 - retrievalRange.start;
          for (const downloadRange of leafBoundaryRanges(outputSize)) {
            const absolute = { start: downloadRange.start + retrievalRange.start, end: downloadRange.end + retrievalRange.start };
            expect(expectsChecksum({ archiveSize, retrievalRange, downloadRange })).toBe(nodes.has(key(absolute)));
          }
        }
      }
    }
  });

  it('refuses retrievals InitiateJob would refuse and downloads outside the output', () => {
    expect(codeOf(() => expectsChecksum({ archiveSize: 3_250_000, retrievalRange: parseRange('1-1048576') }))).toBe('ERR_INVALID_RANGE');
    expect(codeOf(() => expectsChecksum({ archiveSize: 8 * M, retrievalRange: parseRange('0-4194303'), downloadRange: parseRange('4194304-4194305') }))).toBe(
      'ERR_INVALID_RANGE',
    );
  });
});

describe('planDownload', () => {
  it('at each offset takes the largest aligned node ≤ the chunk size (brute force)', () => {
    for (let leaves = 1; leaves <= 70; leaves++) {
      for (const size of [leaves * M, leaves * M - 4321]) {
        const nodes = [...bruteNodeSpans(size)].map((s) => s.split('-').map(Number) as [number, number]);
        for (const chunkSize of [M, 2 * M, 3 * M, 4 * M, 16 * M, 1024 * M]) {
          const plan = planDownload({ archiveSize: size, chunkSize });
          expect(plan.blockSize).toBe(chunkSize === 3 * M ? 2 * M : chunkSize);
          expect(plan.jobOutputSize).toBe(size);
          expect(plan.checksums).toBe(true);
          expect(plan.chunkCount).toBe(plan.chunks.length);
          expect(describeDownloadPlan({ archiveSize: size, chunkSize })).toEqual({ ...plan, chunks: undefined });
          let offset = 0;
          for (const chunk of plan.chunks) {
            const best = nodes.filter(([s, e]) => s === offset && e + 1 - s <= plan.blockSize).reduce((x, y) => (y[1] > x[1] ? y : x));
            expect(chunk.range).toEqual({ start: best[0], end: best[1] });
            expect(chunk.archiveRange).toEqual(chunk.range);
            offset = chunk.range.end + 1;
          }
          expect(offset).toBe(size);
          // All pieces but the last have the block size, so their checksums combine like parts.
          for (const chunk of plan.chunks.slice(0, -1)) expect(chunk.range.end + 1 - chunk.range.start).toBe(plan.blockSize);
        }
      }
    }
  });

  it('plans a ranged retrieval relative to the job output', () => {
    const plan = planDownload({ archiveSize: 100 * M + 12345, retrievalRange: { start: 64 * M, end: 100 * M + 12344 }, chunkSize: 16 * M });
    expect(plan.jobOutputSize).toBe(36 * M + 12345);
    expect(plan.checksums).toBe(true);
    expect(plan.chunks.map((c) => key(c.range))).toEqual([`0-${16 * M - 1}`, `${16 * M}-${32 * M - 1}`, `${32 * M}-${36 * M + 12344}`]);
    expect(plan.chunks.map((c) => key(c.archiveRange))).toEqual([`${64 * M}-${80 * M - 1}`, `${80 * M}-${96 * M - 1}`, `${96 * M}-${100 * M + 12344}`]);
    const unaligned = planDownload({ archiveSize: 6_815_744, retrievalRange: parseRange('2097152-6815743'), chunkSize: 4 * M });
    expect(unaligned.checksums).toBe(false);
  });

  it('cuts the largest archive lazily', () => {
    const archiveSize = 42_949_672_960_000;
    const pieces = downloadChunks({ archiveSize, chunkSize: M });
    expect(pieces.next().value).toEqual({ range: { start: 0, end: M - 1 }, archiveRange: { start: 0, end: M - 1 } });
    expect(describeDownloadPlan({ archiveSize, chunkSize: M }).chunkCount).toBe(40_960_000);
    const big = planDownload({ archiveSize, chunkSize: 4096 * M });
    expect(big.chunks).toHaveLength(10_000);
    expect(big.chunks[9_999]!.range).toEqual({ start: 9_999 * 4096 * M, end: archiveSize - 1 });
  });

  it('refuses chunk sizes below 1 MiB and unacceptable retrieval ranges', () => {
    for (const chunkSize of [0, M - 1, 1.5 * M + 0.5, -M, NaN]) {
      expect(codeOf(() => planDownload({ archiveSize: 10 * M, chunkSize }))).toBe('ERR_INVALID_CHUNK_SIZE');
    }
    expect(codeOf(() => planDownload({ archiveSize: 10 * M, chunkSize: M, retrievalRange: { start: 5, end: 99 } }))).toBe('ERR_INVALID_RANGE');
  });
});

describe('alignedRangesForLeaves', () => {
  it('covers exactly the given leaves with the fewest nodes (brute force)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 30 }), (leaves, partial, picks) => {
        const size = partial ? leaves * M - 1000 : leaves * M;
        const chosen = new Set(picks.map((p) => p % leaves));
        const ranges = alignedRangesForLeaves(chosen, size);
        const nodes = bruteNodeSpans(size);
        const covered = new Set<number>();
        for (const r of ranges) {
          expect(nodes.has(key(r))).toBe(true);
          for (let leaf = r.start / M; leaf * M <= r.end; leaf++) {
            expect(covered.has(leaf)).toBe(false);
            covered.add(leaf);
          }
        }
        expect(covered).toEqual(chosen);
        // Minimal: a run of n adjacent leaves never needs more than 2·log2(n) + 1 nodes, and two
        // neighbouring ranges never form a node together (else one would have been used).
        for (let i = 0; i + 1 < ranges.length; i++) {
          const a = ranges[i]!;
          const b = ranges[i + 1]!;
          if (a.end + 1 === b.start) expect(nodes.has(`${a.start}-${b.end}`)).toBe(false);
        }
      }),
    );
  });

  it('examples', () => {
    expect(alignedRangesForLeaves([1, 2, 3], 6_815_744)).toEqual([
      { start: M, end: 2 * M - 1 },
      { start: 2 * M, end: 4 * M - 1 },
    ]);
    expect(alignedRangesForLeaves([4, 5, 6], 6_815_744)).toEqual([{ start: 4 * M, end: 6_815_743 }]);
    expect(alignedRangesForLeaves([], 6_815_744)).toEqual([]);
    expect(codeOf(() => alignedRangesForLeaves([7], 6_815_744))).toBe('ERR_INVALID_RANGE');
  });
});
