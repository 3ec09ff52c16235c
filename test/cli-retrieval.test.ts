// The retrieval commands run as a user would: the built bin (npm run build first), as a
// subprocess, on temporary files.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MIB, mod251, referenceLeafDigests, referenceTreeHashHex } from './reference.js';
import { ALIGNED_6_5_MIB, SIZE_6_5_MIB, bruteNodeSpans } from './retrieval-fixtures.js';

const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'treehash-cli-retrieval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function treehash(args: string[], input?: string) {
  const run = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', cwd: dir, maxBuffer: 64 * MIB });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('treehash range', () => {
  it('--json labels ranges exactly as a brute-force tree does, tail cases included', () => {
    const cases: Array<[number, number, number]> = [];
    for (const size of [SIZE_6_5_MIB, 3_250_000, 100 * MIB + 12345, 5 * MIB, 1]) {
      const last = size - 1;
      const starts = [0, MIB, 2 * MIB, 4 * MIB, 64 * MIB, 96 * MIB, 98 * MIB, 1];
      for (const start of starts) {
        if (start > last) continue;
        cases.push([start, last, size]); // to the end of the archive
        if (start + MIB - 1 <= last) cases.push([start, start + MIB - 1, size]);
        if (start + 2 * MIB - 1 <= last) cases.push([start, start + 2 * MIB - 1, size]);
      }
      cases.push([0, size, size]); // one past the end
    }
    cases.push([0, 100 * MIB - 1, 100 * MIB + 12345]);
    for (const [start, end, size] of cases) {
      const run = treehash(['range', `${start}-${end}`, '--size', String(size), '--json']);
      expect(run.status).toBe(0);
      const valid = end < size && start % MIB === 0 && ((end + 1) % MIB === 0 || end === size - 1);
      expect(JSON.parse(run.stdout)).toEqual({
        start,
        end,
        size,
        validRetrievalRange: valid,
        treeHashAligned: end < size && bruteNodeSpans(size).has(`${start}-${end}`),
      });
    }
  });

  it('explains in a sentence, with the aligned cover', () => {
    const notAligned = treehash(['range', 'bytes=1048576-3145727', '--size', String(SIZE_6_5_MIB)]);
    expect(notAligned.status).toBe(0);
    expect(notAligned.stdout).toContain('not tree-hash aligned');
    expect(notAligned.stdout).toContain('start 1048576 is not one');
    expect(notAligned.stdout).toContain('0-4194303');
    const invalid = treehash(['range', '1-1048576', '--size', '3250000']);
    expect(invalid.stdout).toContain('not a valid retrieval range');
    expect(invalid.stdout).toContain('0-2097151');
    const aligned = treehash(['range', '4194304-6815743', '--size', String(SIZE_6_5_MIB)]);
    expect(aligned.stdout).toMatch(/tree-hash aligned .*returns its checksum/);
    const units = treehash(['range', `${96 * MIB}-${100 * MIB + 12344}`, '--size', String(100 * MIB + 12345), '--json']);
    expect(JSON.parse(units.stdout).treeHashAligned).toBe(true);
  });

  it('verify names a missing file as hash does: "treehash: PATH: No such file or directory", exit 2', () => {
    const missing = '/nonexistent-treehash-test/file.bin';
    const run = treehash(['verify', missing, '--tree-hash', 'a'.repeat(64)]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`treehash: ${missing}: No such file or directory\n`);
    expect(treehash(['hash', missing]).stderr).toBe(run.stderr);
  });

  it('exits 2 on bad input', () => {
    expect(treehash(['range', '5-3', '--size', '10']).status).toBe(2);
    expect(treehash(['range', 'bytes=-5', '--size', '10']).status).toBe(2);
    expect(treehash(['range', '0-5']).status).toBe(2);
    expect(treehash(['range', '0-5', '--size', '10MB']).status).toBe(2);
    expect(treehash(['range', '0-5', '--size', '0']).status).toBe(2);
    const run = treehash(['range', '0-5', '--size', 'lots']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--size');
  });
});

describe('treehash plan-download', () => {
  it('--json prints one aligned piece per line, relative to the job output', () => {
    const size = 100 * MIB + 12345;
    const run = treehash(['plan-download', '--size', String(size), '--range', `${64 * MIB}-${size - 1}`, '--chunk-size', '16MiB', '--json']);
    expect(run.status).toBe(0);
    expect(jsonLines(run.stdout)).toEqual([
      { index: 0, start: 0, end: 16 * MIB - 1, archiveStart: 64 * MIB, archiveEnd: 80 * MIB - 1, range: `bytes=0-${16 * MIB - 1}`, checksum: true },
      {
        index: 1,
        start: 16 * MIB,
        end: 32 * MIB - 1,
        archiveStart: 80 * MIB,
        archiveEnd: 96 * MIB - 1,
        range: `bytes=${16 * MIB}-${32 * MIB - 1}`,
        checksum: true,
      },
      {
        index: 2,
        start: 32 * MIB,
        end: 36 * MIB + 12344,
        archiveStart: 96 * MIB,
        archiveEnd: size - 1,
        range: `bytes=${32 * MIB}-${36 * MIB + 12344}`,
        checksum: true,
      },
    ]);
  });

  it('covers the output with brute-force nodes, and says when no checksum will come', () => {
    const size = 13 * MIB + 5;
    const nodes = bruteNodeSpans(size);
    const run = treehash(['plan-download', '--size', String(size), '--chunk-size', '4194304', '--json']);
    let next = 0;
    for (const piece of jsonLines(run.stdout)) {
      expect(piece.start).toBe(next);
      expect(nodes.has(`${piece.start}-${piece.end}`)).toBe(true);
      next = (piece.end as number) + 1;
    }
    expect(next).toBe(size);
    const human = treehash(['plan-download', '--size', String(SIZE_6_5_MIB), '--range', '2097152-6815743']);
    expect(human.status).toBe(0);
    expect(human.stdout).toContain('no response will carry a checksum');
    expect(treehash(['plan-download', '--size', '10MiB', '--chunk-size', '1000']).status).toBe(2);
    expect(treehash(['plan-download', '--size', '10MiB', '--range', '1-5']).status).toBe(2);
  });
});

describe('treehash manifest and verify', () => {
  const size = 5 * MIB + 777;
  const data = mod251(size);
  const file = join(dir, 'archive.bin');
  writeFileSync(file, data);
  const manifestPath = `${file}.treehash-manifest`;

  it('manifest writes a decodable manifest and prints the tree hash line', () => {
    const run = treehash(['manifest', file]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${referenceTreeHashHex(data)}  ${file}\n`);
    const bytes = readFileSync(manifestPath);
    const newline = bytes.indexOf(10);
    expect(bytes.subarray(0, newline).toString()).toMatch(
      new RegExp(`^glacier-treehash-manifest 1 size=${size} leaf-size=1048576 leaves=6 tree-hash=${referenceTreeHashHex(data)} check=[0-9a-f]{64}$`),
    );
    expect(Buffer.concat(referenceLeafDigests(data)).equals(bytes.subarray(newline + 1))).toBe(true);
    const shown = treehash(['manifest', '--show', manifestPath, '--json']);
    expect(jsonLines(shown.stdout).map((l) => l.digest)).toEqual(referenceLeafDigests(data).map((d) => Buffer.from(d).toString('hex')));
    const other = join(dir, 'custom.m');
    expect(treehash(['manifest', file, '-o', other, '--json']).status).toBe(0);
    expect(readFileSync(other).equals(bytes)).toBe(true);
  });

  it('range --manifest prints the tree hash of an aligned range from the digests alone', () => {
    const fixture = join(dir, 'fixture.bin');
    writeFileSync(fixture, mod251(SIZE_6_5_MIB));
    expect(treehash(['manifest', fixture]).status).toBe(0);
    for (const [text, hex] of ALIGNED_6_5_MIB.slice(9)) {
      const run = treehash(['range', text, '--manifest', `${fixture}.treehash-manifest`, '--json']);
      expect(JSON.parse(run.stdout)).toMatchObject({ treeHashAligned: true, treeHash: hex });
    }
  });

  it('verify --tree-hash: 0 on a match (either case), 1 on a mismatch, 2 on other errors', () => {
    const hex = referenceTreeHashHex(data);
    const ok = treehash(['verify', file, '--tree-hash', hex.toUpperCase()]);
    expect(ok).toMatchObject({ status: 0, stdout: `${file}: OK\n` });
    const damaged = join(dir, 'damaged.bin');
    const copy = data.slice();
    copy[12345]! ^= 1;
    writeFileSync(damaged, copy);
    const bad = treehash(['verify', damaged, '--tree-hash', hex, '--json']);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout)).toEqual({ file: damaged, ok: false, size, expected: hex, actual: referenceTreeHashHex(copy) });
    expect(treehash(['verify', file, '--tree-hash', 'abc']).status).toBe(2);
    expect(treehash(['verify', join(dir, 'missing'), '--tree-hash', hex]).status).toBe(2);
    expect(treehash(['verify', file]).status).toBe(2);
    expect(treehash(['verify', file, '--tree-hash', hex, '--manifest', manifestPath]).status).toBe(2);
  });

  it('verify --manifest names the leaf of a byte flipped at random positions, and what to fetch again', () => {
    expect(treehash(['verify', file, '--manifest', manifestPath])).toMatchObject({ status: 0 });
    const damaged = join(dir, 'flipped.bin');
    for (let trial = 0; trial < 6; trial++) {
      const position = trial === 0 ? size - 1 : trial === 1 ? 0 : Math.floor(Math.random() * size);
      const copy = data.slice();
      copy[position]! ^= 0x80;
      writeFileSync(damaged, copy);
      const leaf = Math.floor(position / MIB);
      const leafRange = { start: leaf * MIB, end: Math.min((leaf + 1) * MIB, size) - 1 };
      const run = treehash(['verify', damaged, '--manifest', manifestPath, '--json']);
      expect(run.status, `byte ${position}`).toBe(1);
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, badLeaves: [leaf], badRanges: [leafRange], refetchRanges: [leafRange] });
      const human = treehash(['verify', damaged, '--manifest', manifestPath]);
      expect(human.stdout).toContain(`bad: bytes ${leafRange.start}-${leafRange.end} (leaf ${leaf})`);
      expect(human.stdout).toContain(`fetch again: ${leafRange.start}-${leafRange.end}`);
    }
    writeFileSync(damaged, data.subarray(0, 2 * MIB + 3));
    const truncated = treehash(['verify', damaged, '--manifest', manifestPath, '--json']);
    expect(JSON.parse(truncated.stdout)).toMatchObject({
      badLeaves: [2, 3, 4, 5],
      refetchRanges: [
        { start: 2 * MIB, end: 4 * MIB - 1 },
        { start: 4 * MIB, end: size - 1 },
      ],
    });
    // A ranged download (archive bytes 2 MiB to the end) checked against the whole archive's manifest.
    const piece = data.slice(2 * MIB);
    piece[MIB + 99]! ^= 4; // archive byte 3 MiB + 99: leaf 3
    writeFileSync(damaged, piece);
    const ranged = treehash(['verify', damaged, '--manifest', manifestPath, '--range', `${2 * MIB}-${size - 1}`, '--json']);
    expect(ranged.status).toBe(1);
    expect(JSON.parse(ranged.stdout)).toMatchObject({ badLeaves: [3], refetchRanges: [{ start: 3 * MIB, end: 4 * MIB - 1 }] });
    writeFileSync(damaged, data.slice(2 * MIB));
    expect(treehash(['verify', damaged, '--manifest', manifestPath, '--range', `${2 * MIB}-${size - 1}`]).stdout).toBe(
      `${damaged}: OK (all 4 leaves match the manifest)\n`,
    );
    expect(treehash(['verify', damaged, '--manifest', manifestPath, '--range', `5-${size - 1}`]).status).toBe(2);
    expect(treehash(['verify', damaged, '--tree-hash', referenceTreeHashHex(data), '--range', '0-5']).status).toBe(2);
    const broken = join(dir, 'broken.m');
    writeFileSync(broken, 'not a manifest\n');
    expect(treehash(['verify', file, '--manifest', broken]).status).toBe(2);
  });
});

describe('treehash check', () => {
  const a = join(dir, 'a.bin');
  const b = join(dir, 'b b.bin');
  writeFileSync(a, mod251(MIB + 1));
  writeFileSync(b, mod251(3 * MIB));

  it('checks the output of treehash hash like sha256sum -c', () => {
    const sums = join(dir, 'SUMS');
    const hashed = treehash(['hash', a, b]);
    writeFileSync(sums, hashed.stdout);
    const ok = treehash(['check', sums]);
    // As sha256sum -c: nothing on stderr when every file matches.
    expect(ok).toEqual({ status: 0, stdout: `${a}: OK\n${b}: OK\n`, stderr: '' });
    expect(treehash(['check', '--quiet', sums])).toMatchObject({ status: 0, stdout: '', stderr: '' });
    expect(treehash(['check', '-'], hashed.stdout.toUpperCase().replaceAll(a.toUpperCase(), a).replaceAll(b.toUpperCase(), b)).status).toBe(0);

    const copy = join(dir, 'b-copy.bin');
    copyFileSync(b, copy);
    const data = mod251(3 * MIB);
    data[2 * MIB]! ^= 1;
    writeFileSync(b, data);
    const missing = join(dir, 'gone.bin');
    writeFileSync(sums, `${hashed.stdout}${referenceTreeHashHex(new Uint8Array(1))}  ${missing}\nnot a line\n`);
    const bad = treehash(['check', '--quiet', sums]);
    expect(bad.status).toBe(2); // a listed file could not be read
    expect(bad.stdout).toBe(`${b}: FAILED\n${missing}: FAILED open or read\n`);
    expect(bad.stderr).toBe(
      `treehash: ${missing}: No such file or directory\n` +
        'treehash: WARNING: 1 line is improperly formatted\n' +
        'treehash: WARNING: 1 listed file could not be read\n' +
        'treehash: WARNING: 1 computed checksum did NOT match\n',
    );
    expect(treehash(['check', '--quiet', '--ignore-missing', sums])).toMatchObject({ status: 1, stdout: `${b}: FAILED\n` });
    const json = treehash(['check', '--json', sums]);
    expect(jsonLines(json.stdout)).toEqual([
      { file: a, ok: true, expected: referenceTreeHashHex(mod251(MIB + 1)), actual: referenceTreeHashHex(mod251(MIB + 1)) },
      { file: b, ok: false, expected: referenceTreeHashHex(mod251(3 * MIB)), actual: referenceTreeHashHex(data) },
      { file: missing, ok: false, expected: referenceTreeHashHex(new Uint8Array(1)), actual: null },
    ]);
    copyFileSync(copy, b);
  });

  it('"-" in the sums is standard input', () => {
    const sums = join(dir, 'SUMS-stdin');
    writeFileSync(sums, treehash(['hash', '-'], 'Welcome to Amazon Glacier.').stdout);
    expect(treehash(['check', sums], 'Welcome to Amazon Glacier.')).toMatchObject({ status: 0, stdout: '-: OK\n' });
    expect(treehash(['check', sums], 'Welcome to S3 Glacier.').status).toBe(1);
  });

  it('strictness, empty input and unreadable sums', () => {
    const sums = join(dir, 'SUMS2');
    writeFileSync(sums, `${treehash(['hash', a]).stdout}garbage\n`);
    expect(treehash(['check', sums]).status).toBe(0);
    expect(treehash(['check', '--strict', sums]).status).toBe(1);
    writeFileSync(sums, 'nothing here\n');
    expect(treehash(['check', sums]).status).toBe(1);
    expect(treehash(['check', join(dir, 'no-sums')]).status).toBe(2);
  });
});
