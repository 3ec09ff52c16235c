// When stdout fails, every command stops at once, prints one line "treehash: write error: …" and
// exits 2 (never a stack trace, never 1, which `verify` uses for a mismatch): stdout on /dev/full
// (ENOSPC) and on a pipe whose reader has gone away (EPIPE). The built bin, as a subprocess.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MIB, mod251, referenceTreeHashHex } from './reference.js';

const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'treehash-cli-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Names relative to the temporary directory, where the bin runs.
const data = mod251(3 * MIB + 5);
const file = 'f.bin';
writeFileSync(join(dir, file), data);
const good = referenceTreeHashHex(data);
const bad = '0'.repeat(64);
const sums = 'sums';
writeFileSync(join(dir, sums), `${good}  ${file}\n${good}  ${file}\n`);
const manifest = 'f.manifest';
if (spawnSync(process.execPath, [BIN, 'manifest', file, '-o', manifest], { cwd: dir }).status !== 0)
  throw new Error('treehash manifest failed (npm run build first)');

/** Every command and output form, each with something to print. */
const COMMANDS: string[][] = [
  ['--help'],
  ['--version'],
  ['hash', '--help'],
  ['hash', file],
  ['hash', '--json', file],
  ['check', sums],
  ['check', '--json', sums],
  ['verify', file, '--tree-hash', good],
  ['verify', file, '--tree-hash', bad],
  ['verify', file, '--tree-hash', good, '--json'],
  ['verify', file, '--manifest', manifest],
  ['verify', file, '--manifest', manifest, '--json'],
  ['range', '0-1048575', '--size', '5MiB'],
  ['range', '0-1048575', '--size', '5MiB', '--json'],
  ['range', '0-1048575', '--manifest', manifest],
  ['plan-download', '--size', '1GiB', '--chunk-size', '1MiB'],
  ['plan-download', '--size', '1GiB', '--json'],
  ['manifest', file, '-o', 'out.manifest'],
  ['manifest', file, '-o', 'out.manifest', '--json'],
  ['manifest', '--show', manifest],
  ['manifest', '--show', manifest, '--json'],
  ['parts', file, '--part-size', '1MiB'],
  ['parts', file, '--json'],
];

describe.skipIf(!existsSync('/dev/full'))('stdout on /dev/full', () => {
  it.each(COMMANDS.map((args) => [args.join(' '), args]))('%s: one line, exit 2', (_name, args) => {
    const full = openSync('/dev/full', 'w');
    try {
      const run = spawnSync(process.execPath, [BIN, ...(args as string[])], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8', cwd: dir });
      expect(run.stderr).toBe('treehash: write error: No space left on device\n');
      expect(run.status).toBe(2);
    } finally {
      closeSync(full);
    }
  });

  it('hash of many files stops at the first failed write and does not blame a file', () => {
    const full = openSync('/dev/full', 'w');
    try {
      // Were hashing to go on, the missing file would be reported too.
      const run = spawnSync(process.execPath, [BIN, 'hash', file, file, 'missing', file], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8', cwd: dir });
      expect(run.stderr).toBe('treehash: write error: No space left on device\n');
      expect(run.status).toBe(2);
    } finally {
      closeSync(full);
    }
  });
});

/** Runs the bin with its stdout a pipe whose reading end is closed before the bin writes. */
function withClosedPipe(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

describe('stdout a closed pipe', () => {
  it.each(COMMANDS.map((args) => [args.join(' '), args]))('%s: one line, exit 2', async (_name, args) => {
    const run = await withClosedPipe(args as string[]);
    expect(run.stderr).toBe('treehash: write error: Broken pipe\n');
    expect(run.status).toBe(2);
  });

  it('hash of many files stops at the first failed write and does not blame a file', async () => {
    const run = await withClosedPipe(['hash', file, 'missing', file]);
    expect(run.stderr).toBe('treehash: write error: Broken pipe\n');
    expect(run.status).toBe(2);
  });
});
