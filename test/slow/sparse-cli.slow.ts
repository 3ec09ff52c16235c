// Sparse files of 4 GiB + 1 MiB + 3 bytes and 5 GiB through the built CLI (npm run build first),
// with marked bytes straddling 2^31 and 2^32 and at the end: `hash --json`, `verify` and
// `parts --json` against node:crypto, computed here in one read of each file (every 1 MiB leaf,
// each part, the whole file), and the reference's tree logic (test/reference.ts) over the leaves.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MIB, referenceRoot } from '../reference.js';

const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'treehash-slow-sparse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const GIB = 1024 * MIB;
const PART = 64 * MIB;

/** A sparse file of `size` bytes, zero but for `marks`. */
function sparseFile(name: string, size: number, marks: [number, number[]][]): string {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  ftruncateSync(fd, size);
  for (const [offset, bytes] of marks) writeSync(fd, Uint8Array.from(bytes), 0, bytes.length, offset);
  closeSync(fd);
  return path;
}

/** node:crypto over one read of the file: every leaf's digest, each part's SHA-256, the whole SHA-256. */
function expected(path: string, size: number) {
  const leaves: Uint8Array[] = [];
  const partSha256: string[] = [];
  const whole = createHash('sha256');
  let part = createHash('sha256');
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(8 * MIB);
  try {
    for (let position = 0; position < size;) {
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, size - position), position);
      if (n === 0) throw new Error(`${path} ended at ${position}`);
      const chunk = buffer.subarray(0, n);
      whole.update(chunk);
      for (let at = 0; at < n; at += MIB) {
        const leaf = chunk.subarray(at, at + MIB);
        leaves.push(new Uint8Array(createHash('sha256').update(leaf).digest()));
        part.update(leaf);
        if ((position + at + leaf.length) % PART === 0 || position + at + leaf.length === size) {
          partSha256.push(part.digest('hex'));
          part = createHash('sha256');
        }
      }
      position += n;
    }
  } finally {
    closeSync(fd);
  }
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
  const perPart = PART / MIB;
  const partTreeHashes = Array.from({ length: partSha256.length }, (_, i) => hex(referenceRoot(leaves.slice(i * perPart, (i + 1) * perPart))));
  return { size, treeHash: hex(referenceRoot(leaves)), sha256: whole.digest('hex'), partTreeHashes, partSha256 };
}

function treehash(args: string[]) {
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 64 * MIB });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const marks = (size: number): [number, number[]][] => [
  [2 ** 31 - 2, [0xff, 0xfe, 0xfd, 0xfc]],
  [2 ** 32 - 5, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
  [4 * GIB + MIB - 1, [7, 7]], // across the leaf boundary past 2^32
  [size - 2, [42, 43]],
];

describe('sparse files past 4 GiB through the CLI', () => {
  for (const size of [4 * GIB + MIB + 3, 5 * GIB]) {
    it(`${size} bytes: hash --json, verify and parts --json agree with node:crypto`, () => {
      const path = sparseFile(`sparse-${size}.bin`, size, marks(size));
      const want = expected(path, size);

      const hashed = treehash(['hash', '--json', path]);
      expect(hashed.stderr).toBe('');
      expect(hashed.status).toBe(0);
      expect(JSON.parse(hashed.stdout)).toEqual({ file: path, size, treeHash: want.treeHash, sha256: want.sha256 });

      expect(treehash(['verify', path, '--tree-hash', want.treeHash.toUpperCase()])).toEqual({ status: 0, stdout: `${path}: OK\n`, stderr: '' });

      const parts = treehash(['parts', path, '--part-size', '64MiB', '--json']);
      expect(parts.stderr).toBe('');
      const plan = JSON.parse(parts.stdout) as {
        size: number;
        treeHash: string;
        sha256: string;
        parts: { index: number; start: number; end: number; treeHash: string; sha256: string }[];
      };
      expect({ size: plan.size, treeHash: plan.treeHash, sha256: plan.sha256 }).toEqual({ size, treeHash: want.treeHash, sha256: want.sha256 });
      expect(plan.parts.map((part) => part.treeHash)).toEqual(want.partTreeHashes);
      expect(plan.parts.map((part) => part.sha256)).toEqual(want.partSha256);
      expect(plan.parts.map((part) => part.start)).toEqual(plan.parts.map((_, i) => i * PART));
      rmSync(path);
    });
  }
});
