// The CLI run as a user would: the built bin, as a subprocess, on temporary files.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MIB, mod251, referenceSha256Hex, referenceTreeHashHex } from './reference.js';

const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'treehash-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

export function treehash(args: string[], input?: Uint8Array | string) {
  const run = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', maxBuffer: 64 * MIB });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('treehash hash', () => {
  const sizes = [0, 1, MIB, MIB + 1, 3 * MIB + 5];
  const files = sizes.map((size) => {
    const path = join(dir, `f${size}.bin`);
    writeFileSync(path, mod251(size));
    return { path, size, data: mod251(size) };
  });

  it('prints "<tree hash>  <file>" per file, like sha256sum', () => {
    const run = treehash(['hash', ...files.map((f) => f.path)]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(files.map((f) => `${referenceTreeHashHex(f.data)}  ${f.path}\n`).join(''));
  });

  it('stops at once, with one line and exit 2, when the reader goes away (| head)', () => {
    // Enough output to fill the pipe (lines are written in batches): the reader is gone by then.
    const operands = Array.from({ length: 3000 }, () => files[1]!.path)
      .map((path) => `"${path}"`)
      .join(' ');
    const command = `("${process.execPath}" "${BIN}" hash ${operands}; echo "exit $?" >&2) | head -n 1`;
    const run = spawnSync('/bin/sh', ['-c', command], { encoding: 'utf8' });
    expect(run.stdout).toBe(`${referenceTreeHashHex(files[1]!.data)}  ${files[1]!.path}\n`);
    expect(run.stderr).toBe('treehash: write error: Broken pipe\nexit 2\n');
  });

  it('--json prints one object per line with size, tree hash and sha256', () => {
    const run = treehash(['hash', '--json', ...files.map((f) => f.path)]);
    expect(run.status).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual(files.map((f) => ({ file: f.path, size: f.size, treeHash: referenceTreeHashHex(f.data), sha256: referenceSha256Hex(f.data) })));
  });

  it('reads standard input for -', () => {
    const run = treehash(['hash', '-'], 'Welcome to Amazon Glacier.');
    expect(run.stdout).toBe('726e392cb4d09924dbad1cc0ba3b00c3643d03d14cb4b823e2f041cff612a628  -\n');
    expect(run.status).toBe(0);
  });

  it('names a missing file or a directory on stderr, goes on, and exits 2', () => {
    const missing = join(dir, 'no-such-file');
    const run = treehash(['hash', missing, files[1]!.path, dir]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe(`${referenceTreeHashHex(files[1]!.data)}  ${files[1]!.path}\n`);
    expect(run.stderr).toContain(`treehash: ${missing}: No such file or directory`);
    expect(run.stderr).toContain(`treehash: ${dir}: Is a directory`);
  });

  it('quotes a failing name in its error line as coreutils do (a space, a newline)', () => {
    const spaced = join(dir, 'no such file');
    const newline = join(dir, 'no\nline');
    const run = treehash(['hash', spaced, newline]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`treehash: '${spaced}': No such file or directory\n` + `treehash: '${join(dir, 'no')}'$'\\n''line': No such file or directory\n`);
  });

  it('escapes a file name with a newline or backslash as sha256sum does', () => {
    const path = join(dir, 'odd\\name\nx');
    writeFileSync(path, 'abcd');
    const run = treehash(['hash', path]);
    expect(run.stdout).toBe(`\\88d4266fd4e6338d13b845fcf289579d209c897823b9217da3e161936f031589  ${path.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n`);
  });

  it('runs as `npx treehash` from the package (the bin is executable, with a shebang)', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const path = join(dir, 'npx.txt');
    writeFileSync(path, 'Welcome to Amazon Glacier.');
    // --no-install: never fetch an unrelated package of that name from the registry.
    const run = spawnSync('npx', ['--no-install', 'treehash', 'hash', path], { cwd: root, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`726e392cb4d09924dbad1cc0ba3b00c3643d03d14cb4b823e2f041cff612a628  ${path}\n`);
    expect(run.status).toBe(0);
  });

  it('exits 2 on a usage error and 0 for --help', () => {
    expect(treehash(['hash']).status).toBe(2);
    expect(treehash(['frobnicate']).status).toBe(2);
    const help = treehash(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('hash');
  });
});
