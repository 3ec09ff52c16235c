// The CLI's failures are one line that names what failed, and its commands agree with each other:
// "-" is standard input everywhere, a manifest never overwrites its archive, archive sizes stop at
// 42,949,672,960,000 bytes as planParts does. The built bin, as a subprocess.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { printFailure } from '../src/cli/errors.js';
import { TreeHashError } from '../src/index.js';
import { MIB, mod251, referenceTreeHashHex } from './reference.js';

const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'treehash-cli-messages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function treehash(args: string[], input?: Uint8Array | string) {
  const run = spawnSync(process.execPath, [BIN, ...args], { input, cwd: dir, encoding: 'utf8', maxBuffer: 64 * MIB });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const data = mod251(2 * MIB + 7);
const hex = referenceTreeHashHex(data);
writeFileSync(join(dir, 'f.bin'), data);
mkdirSync(join(dir, 'a dir'));
if (treehash(['manifest', 'f.bin', '-o', 'f.manifest']).status !== 0) throw new Error('treehash manifest failed (npm run build first)');
const MAX = 42_949_672_960_000;

describe('failures name what failed', () => {
  it('a directory is named in every command ("Is a directory" alone said nothing)', () => {
    const cases: string[][] = [
      ['hash', 'a dir'],
      ['check', 'a dir'],
      ['verify', 'a dir', '--tree-hash', hex],
      ['verify', 'a dir', '--manifest', 'f.manifest'],
      ['verify', 'f.bin', '--manifest', 'a dir'],
      ['manifest', 'a dir', '-o', 'out.manifest'],
      ['manifest', '--show', 'a dir'],
      ['range', '0-1048575', '--manifest', 'a dir'],
      ['parts', 'a dir'],
      ['parts', 'a dir', '--part-size', '1MiB'],
    ];
    for (const args of cases) {
      expect({ args, ...treehash(args) }).toEqual({ args, status: 2, stdout: '', stderr: "treehash: 'a dir': Is a directory\n" });
    }
  });

  it('a missing file is named, whichever option names it', () => {
    for (const args of [
      ['verify', 'f.bin', '--manifest', 'gone'],
      ['range', '0-1', '--manifest', 'gone'],
      ['manifest', '--show', 'gone'],
      ['check', 'gone'],
    ]) {
      expect({ args, ...treehash(args) }).toEqual({ args, status: 2, stdout: '', stderr: 'treehash: gone: No such file or directory\n' });
    }
  });

  it('a message that begins with the file name does not repeat it', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      printFailure('f.bin', new TreeHashError('ERR_READ_FAILED', 'f.bin ended at byte 5, before byte 9: was it truncated while being hashed?'));
      expect(write).toHaveBeenCalledWith('treehash: f.bin: ended at byte 5, before byte 9: was it truncated while being hashed?\n');
    } finally {
      write.mockRestore();
      process.exitCode = undefined;
    }
  });
});

describe('"-" is standard input in every command', () => {
  it('verify -, verify --manifest -, manifest -, manifest --show -, range --manifest -', () => {
    expect(treehash(['verify', '-', '--tree-hash', hex], data)).toEqual({ status: 0, stdout: '-: OK\n', stderr: '' });
    expect(treehash(['verify', '-', '--tree-hash', '0'.repeat(64)], data).status).toBe(1);
    expect(treehash(['verify', '-', '--manifest', 'f.manifest'], data)).toMatchObject({ status: 0, stdout: '-: OK (all 3 leaves match the manifest)\n' });
    const manifest = readFileSync(join(dir, 'f.manifest'));
    expect(treehash(['verify', 'f.bin', '--manifest', '-'], manifest)).toMatchObject({ status: 0, stdout: 'f.bin: OK (all 3 leaves match the manifest)\n' });
    expect(treehash(['verify', '-', '--manifest', '-'], manifest)).toMatchObject({ status: 2, stdout: '' });
    expect(treehash(['manifest', '-', '-o', 'stdin.manifest'], data)).toMatchObject({ status: 0, stdout: `${hex}  -\n` });
    expect(readFileSync(join(dir, 'stdin.manifest')).equals(manifest)).toBe(true);
    expect(treehash(['manifest', '-'], data)).toMatchObject({
      status: 2,
      stderr: 'treehash: standard input has no name to write the manifest next to: give -o OUT\n',
    });
    const shown = treehash(['manifest', '--show', '-'], manifest);
    expect(shown).toMatchObject({ status: 0, stderr: '' });
    expect(shown.stdout).toEqual(treehash(['manifest', '--show', 'f.manifest']).stdout);
    expect(treehash(['range', '0-2097151', '--manifest', '-', '--json'], manifest).stdout).toContain('"treeHash"');
  });
});

describe('manifest never overwrites its input', () => {
  it('refuses -o FILE, by any name of the same file, and leaves it intact', () => {
    symlinkSync('f.bin', join(dir, 'link'));
    for (const output of ['f.bin', './f.bin', join(dir, 'f.bin'), 'link']) {
      const run = treehash(['manifest', 'f.bin', '-o', output]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/is FILE itself: the manifest would overwrite the archive\n$/);
      expect(readFileSync(join(dir, 'f.bin')).equals(data)).toBe(true);
    }
  });
});

describe('archive sizes stop where planParts stops: 42,949,672,960,000 bytes', () => {
  it('plan-download and range take the largest archive and refuse one byte more', () => {
    expect(treehash(['plan-download', '--size', String(MAX), '--chunk-size', '4GiB']).status).toBe(0);
    expect(treehash(['range', `0-${MAX - 1}`, '--size', String(MAX), '--json']).status).toBe(0);
    for (const args of [
      ['plan-download', '--size', String(MAX + 1)],
      ['plan-download', '--size', '40001GiB'],
      ['range', '0-1048575', '--size', String(MAX + 1)],
      ['range', '0-1048575', '--size', '0'],
    ]) {
      const run = treehash(args);
      expect({ args, status: run.status, stdout: run.stdout }).toEqual({ args, status: 2, stdout: '' });
      expect(run.stderr.split('\n')).toHaveLength(2); // one line
      expect(run.stderr).toMatch(/^treehash: --size: /);
    }
  });
});
