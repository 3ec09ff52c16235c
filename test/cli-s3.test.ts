// `treehash s3` and `treehash identify` run as a user would (the built bin, as a subprocess),
// against values computed from the definitions (s3-reference.ts: node:crypto, @aws-sdk/crc64-nvme).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from './helpers.js';
import { MIB } from './reference.js';
import { expectedS3, getObjectAttributesJson } from './s3-reference.js';

const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'treehash-cli-s3-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function treehash(args: string[], input?: Uint8Array) {
  const run = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', maxBuffer: 64 * MIB });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const sizes = [1, 5 * MIB + 1, 33 * MIB];
const big = randomBytes(33 * MIB, 9);
const files = sizes.map((size) => {
  const path = join(dir, `o${size}.bin`);
  writeFileSync(path, big.subarray(0, size));
  return { path, size, data: big.subarray(0, size) };
});

describe('treehash s3', () => {
  it('--json: one object per file with S3 text forms, for 5, 8 and 16 MiB parts', async () => {
    for (const [partSize, option] of [
      [5 * MIB, '5MiB'],
      [8 * MIB, '8388608'],
      [16 * MIB, '16MiB'],
    ] as const) {
      const run = treehash(['s3', '--json', '--part-size', option, ...files.map((f) => f.path)]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const lines = run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      for (const [i, f] of files.entries()) {
        const want = await expectedS3(f.data, partSize);
        expect(lines[i]).toMatchObject({
          file: f.path,
          size: f.size,
          partSize,
          parts: want.partCount,
          treeHash: want.treeHash,
          sha256: want.sha256,
          sha256Composite: want.sha256Composite,
          etag: want.etag,
          crc64nvme: want.crc64nvme,
        });
        expect(lines[i].partChecksums.map((p: { sha256: string }) => p.sha256)).toEqual(want.partShas);
      }
    }
  });

  it('prints labelled values; defaults to 8 MiB parts; CRC-32/CRC-32C on request', async () => {
    const f = files[2]!;
    const want = await expectedS3(f.data, 8 * MIB);
    const run = treehash(['s3', '--crc32', '--crc32c', f.path]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`${f.path}: ${f.size} bytes, 5 parts of 8 MiB (8388608 bytes)`);
    expect(run.stdout).toContain(`ChecksumSHA256, multipart:  ${want.sha256Composite}`);
    expect(run.stdout).toContain(`ETag, multipart:            "${want.etag}"`);
    expect(run.stdout).toContain(`ChecksumCRC64NVME:          ${want.crc64nvme}`);
    expect(run.stdout).toContain(`ChecksumCRC32:              ${want.crc32}`);
    expect(run.stdout).toContain(`ChecksumCRC32C:             ${want.crc32c}`);
    expect(run.stdout).toContain(`Glacier tree hash (hex):    ${want.treeHash}`);
  });

  it('reads standard input for -', async () => {
    const data = big.subarray(0, 1000);
    const run = treehash(['s3', '--json', '-'], data);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ file: '-', size: 1000, etag: (await expectedS3(data, 8 * MIB)).etag });
  });

  it('exit 2: a missing file (the others are still hashed), a bad part size', () => {
    const run = treehash(['s3', '--json', join(dir, 'missing'), files[0]!.path]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('missing: No such file or directory');
    expect(JSON.parse(run.stdout).file).toBe(files[0]!.path);
    for (const size of ['4MiB', '6GiB', '8MB', 'huge']) {
      const bad = treehash(['s3', '--part-size', size, files[0]!.path]);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('--part-size');
    }
  });
});

describe('treehash s3 --against', () => {
  const f = files[2]!;

  const attributes = (data: Uint8Array) => getObjectAttributesJson(data, 16 * MIB);

  it('exit 0 when the file matches what S3 printed', async () => {
    const json = join(dir, 'attrs.json');
    writeFileSync(json, JSON.stringify(await attributes(f.data)));
    const run = treehash(['s3', f.path, '--against', json]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/: OK \(\d+ values match S3's; part size 16 MiB/);
    expect(run.status).toBe(0);
    const piped = treehash(['s3', f.path, '--against', '-'], new TextEncoder().encode(JSON.stringify(await attributes(f.data))));
    expect(piped.status).toBe(0);
    const asJson = treehash(['s3', f.path, '--against', json, '--json']);
    expect(JSON.parse(asJson.stdout)).toMatchObject({ file: f.path, ok: true, partSize: 16 * MIB, mismatches: [] });
  });

  it('exit 1 naming the part and its byte range when a part differs', async () => {
    const other = f.data.slice();
    other[20 * MIB] ^= 0xff; // part 2: bytes 16 MiB to 32 MiB - 1
    const json = join(dir, 'attrs-other.json');
    writeFileSync(json, JSON.stringify(await attributes(other)));
    const run = treehash(['s3', f.path, '--against', json]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('FAILED');
    expect(run.stdout).toContain(`part 2 (bytes ${16 * MIB}-${32 * MIB - 1}`);
  });

  it('exit 2 for unreadable or invalid JSON, and for more than one FILE', () => {
    const garbage = join(dir, 'garbage.json');
    writeFileSync(garbage, '{ not json');
    expect(treehash(['s3', f.path, '--against', garbage]).status).toBe(2);
    expect(treehash(['s3', f.path, '--against', join(dir, 'none.json')]).status).toBe(2);
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '{}');
    expect(treehash(['s3', f.path, '--against', empty]).status).toBe(2);
    expect(treehash(['s3', f.path, f.path, '--against', empty]).status).toBe(2);
  });
});

describe('treehash identify', () => {
  const f = files[2]!;

  it('names an ETag, a composite, a CRC, a tree hash and a SHA-256 (--json)', async () => {
    const want16 = await expectedS3(f.data, 16 * MIB);
    const want5 = await expectedS3(f.data, 5 * MIB);
    const cases: [string, object][] = [
      [want16.etag, { match: 'etag', partSize: 16 * MIB }],
      [`"${want5.etag}"`, { match: 'etag', partSize: 5 * MIB }],
      [want5.sha256Composite, { match: 'sha256-composite', partSize: 5 * MIB }],
      [want16.crc64nvme, { match: 'crc64nvme' }],
      [want16.crc32c, { match: 'crc32c' }],
      [want16.treeHash, { match: 'tree-hash' }],
      [want16.sha256, { match: 'sha256' }],
    ];
    for (const [value, expected] of cases) {
      const run = treehash(['identify', value, f.path, '--json']);
      expect(run.status, value).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual(expected);
    }
  });

  it('says it in words', async () => {
    const want = await expectedS3(f.data, 8 * MIB);
    const run = treehash(['identify', want.etag, f.path]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${want.etag} is S3's multipart ETag of ${f.path} with parts of 8 MiB (8388608 bytes) (hex)\n`);
  });

  it('exit 1 with what was tried when nothing matches; exit 2 for a missing file', () => {
    const run = treehash(['identify', 'ab'.repeat(32), f.path]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('matches nothing');
    expect(run.stdout).toContain('sha256 (hex)');
    expect(run.stdout).toContain('tree-hash (hex)');
    const json = treehash(['identify', 'nonsense', f.path, '--json']);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ match: null });
    const missing = treehash(['identify', 'ab'.repeat(32), join(dir, 'missing')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('No such file or directory');
  });
});
