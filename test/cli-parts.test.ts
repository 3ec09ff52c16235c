// `treehash parts`, run as a user would: the built bin (npm run build first), as a subprocess, on
// temporary files; every number checked against the noble oracle.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MIB, mod251, referenceSha256Hex, referenceTreeHashHex } from './reference.js';

const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'treehash-cli-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function treehash(args: string[], input?: Uint8Array | string) {
  const run = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', maxBuffer: 64 * MIB });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The JSON `treehash parts --json` must print, computed independently. */
function expectedJson(file: string, data: Uint8Array, partSize: number) {
  const parts = [];
  for (let start = 0, index = 0; start < data.length; start += partSize, index++) {
    const end = Math.min(start + partSize, data.length) - 1;
    const bytes = data.subarray(start, end + 1);
    parts.push({
      index,
      start,
      end,
      contentRange: `bytes ${start}-${end}/*`,
      treeHash: referenceTreeHashHex(bytes),
      sha256: referenceSha256Hex(bytes),
    });
  }
  return { file, size: data.length, partSize, treeHash: referenceTreeHashHex(data), sha256: referenceSha256Hex(data), parts };
}

function write(name: string, data: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

describe('treehash parts', () => {
  const cases: { name: string; data: Uint8Array; partSizes: [string, number][] }[] = [
    {
      name: 'zeros-4608000.bin',
      data: new Uint8Array(4_608_000),
      partSizes: [
        ['1MiB', MIB],
        ['auto', MIB],
        ['2097152', 2 * MIB],
      ],
    },
    {
      name: 'mod251-6.5MiB.bin',
      data: mod251(6_815_744),
      partSizes: [
        ['2MiB', 2 * MIB],
        ['4m', 4 * MIB],
        ['8MiB', 8 * MIB],
      ],
    },
    {
      name: 'one-byte.bin',
      data: mod251(1),
      partSizes: [
        ['auto', MIB],
        ['4GiB', 4096 * MIB],
      ],
    },
    { name: 'exact-3MiB.bin', data: mod251(3 * MIB), partSizes: [['1MiB', MIB]] },
  ];

  for (const { name, data, partSizes } of cases) {
    for (const [option, partSize] of partSizes) {
      it(`--json for ${name} with --part-size ${option}`, () => {
        const path = write(name, data);
        const run = treehash(['parts', path, '--part-size', option, '--json']);
        expect(run.stderr).toBe('');
        expect(run.status).toBe(0);
        const lines = run.stdout.trim().split('\n');
        expect(lines.length).toBe(1);
        const parsed = JSON.parse(lines[0]!);
        expect(Object.keys(parsed)).toEqual(['file', 'size', 'partSize', 'treeHash', 'sha256', 'parts']);
        expect(parsed).toEqual(expectedJson(path, data, partSize));
      });
    }
  }

  it('the AWS CLI walkthrough file prints its documented tree hash (uploading-an-archive-mpu-using-cli)', () => {
    const path = write('walkthrough.bin', new Uint8Array(4_608_000));
    const parsed = JSON.parse(treehash(['parts', path, '--json']).stdout);
    expect(parsed.treeHash).toBe('3d760edb291bfc9d90d35809243de092aea4c47b308290ad12d084f69988ae0c');
    expect(parsed.parts.at(-1).contentRange).toBe('bytes 4194304-4607999/*');
  });

  it('prints a table: one row per part, then the archive numbers', () => {
    const data = mod251(2 * MIB + 10);
    const path = write('table.bin', data);
    const run = treehash(['parts', path, '--part-size', '1MiB']);
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/part\s+Content-Range\s+tree hash\s+sha256/);
    // Row: index, "bytes S-E/*", tree hash, sha256, separated by spaces.
    const rows = lines.slice(1, 4).map((line) => {
      const [index, unit, range, tree, sha] = line.trim().split(/\s+/);
      return { index: Number(index), contentRange: `${unit} ${range}`, treeHash: tree, sha256: sha };
    });
    expect(rows).toEqual(expectedJson(path, data, MIB).parts.map(({ index, contentRange, treeHash, sha256 }) => ({ index, contentRange, treeHash, sha256 })));
    expect(run.stdout).toContain(`archive: ${data.length} bytes, part size ${MIB} bytes, 3 parts`);
    expect(run.stdout).toContain(`archive tree hash (x-amz-sha256-tree-hash): ${referenceTreeHashHex(data)}`);
    expect(run.stdout).toContain(`archive sha256: ${referenceSha256Hex(data)}`);
  });

  it('stops with one line and exit 2 when the reader goes away (| head)', () => {
    const path = write('piped.bin', mod251(12 * MIB));
    const command = `("${process.execPath}" "${BIN}" parts "${path}" --part-size 1MiB; echo "exit $?" >&2) | head -n 2`;
    const run = spawnSync('/bin/sh', ['-c', command], { encoding: 'utf8' });
    expect(run.stdout.split('\n').filter(Boolean)).toHaveLength(2);
    expect(run.stderr).toBe('treehash: write error: Broken pipe\nexit 2\n');
  });

  it('reads standard input with an explicit part size', () => {
    const data = mod251(3 * MIB + 1);
    const run = treehash(['parts', '-', '--part-size', '2MiB', '--json'], data);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(expectedJson('-', data, 2 * MIB));
  });

  it('exits 2 with a message for bad part sizes, empty and missing files, and auto on standard input', () => {
    const path = write('bad.bin', mod251(10));
    for (const size of ['3MiB', '512KiB', '8GiB', 'lots', '0']) {
      const run = treehash(['parts', path, '--part-size', size]);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      // An option error, worded as other commands' (`treehash: --chunk-size: …`), not as a failure of FILE.
      expect(run.stderr).toMatch(/^treehash: --part-size: invalid (part )?size/);
    }
    const empty = treehash(['parts', write('empty.bin', new Uint8Array(0))]);
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/empty archive/);
    const missing = treehash(['parts', join(dir, 'nope.bin')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`treehash: ${join(dir, 'nope.bin')}: No such file or directory\n`);
    // A sparse 10,000 MiB + 1 byte file: 1 MiB parts would be 10,001, refused before any reading.
    const big = write('sparse-big.bin', new Uint8Array(0));
    truncateSync(big, 10_000 * MIB + 1);
    const tooMany = treehash(['parts', big, '--part-size', '1MiB']);
    expect(tooMany.status).toBe(2);
    expect(tooMany.stderr).toMatch(/10001 parts.*at least 2 MiB/);
    const stdinAuto = treehash(['parts', '-'], 'abc');
    expect(stdinAuto.status).toBe(2);
    expect(stdinAuto.stderr).toMatch(/--part-size/);
  });
});
