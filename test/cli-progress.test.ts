// --progress on the hashing commands: stdout is exactly what it is without it (machine-readable,
// --json included); the bar goes to stderr, only when stderr is a terminal unless forced.
// The commands run as a user would (the built bin, as a subprocess); the bar itself in-process
// on a stand-in terminal.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { formatApproximateBytes as formatBytes } from '../src/core/format.js';
import { formatProgressLine, startProgressBar, withProgressBar } from '../src/cli/progress.js';
import { MIB, mod251, referenceTreeHashHex } from './reference.js';

const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'treehash-cli-progress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function treehash(args: string[], input?: Uint8Array) {
  const run = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', maxBuffer: 64 * MIB });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const data = mod251(3 * MIB + 5);
const file = join(dir, 'data.bin');
writeFileSync(file, data);
const hex = referenceTreeHashHex(data);

/** The final line a forced bar leaves on a non-terminal stderr for `data`. */
const FINAL_LINE = new RegExp(String.raw`\[=+\] 100%  3\.0 MiB / 3\.0 MiB  [\d.]+ MiB/s  ETA 0:00  ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\n`);

describe('--progress on the commands', () => {
  it('hash: --progress with stderr not a terminal prints nothing more; --force-progress draws on stderr only', () => {
    const plain = treehash(['hash', file]);
    expect(plain.stdout).toBe(`${hex}  ${file}\n`);
    const quiet = treehash(['hash', '--progress', file]);
    expect(quiet).toEqual(plain);
    const forced = treehash(['hash', '--force-progress', file]);
    expect(forced.status).toBe(0);
    expect(forced.stdout).toBe(plain.stdout);
    expect(forced.stderr).toMatch(FINAL_LINE);
    expect(forced.stderr.startsWith('0 B  -- MiB/s  ')).toBe(true); // drawn from the start
    const json = treehash(['hash', '--json', '--force-progress', file]);
    expect(json.stdout).toBe(treehash(['hash', '--json', file]).stdout);
    expect(JSON.parse(json.stdout).treeHash).toBe(hex);
    expect(json.stderr).toMatch(FINAL_LINE);
  });

  it('parts: rows and --json on stdout unchanged by --force-progress; the bar on stderr', () => {
    for (const args of [
      ['parts', '--part-size', '1MiB', file],
      ['parts', '--json', '--part-size', '1MiB', file],
    ]) {
      const plain = treehash(args);
      expect(plain.status).toBe(0);
      expect(plain.stderr).toBe('');
      const forced = treehash([...args.slice(0, -1), '--force-progress', file]);
      expect(forced.status).toBe(0);
      expect(forced.stdout).toBe(plain.stdout);
      expect(forced.stderr).toMatch(FINAL_LINE);
    }
    expect(treehash(['parts', '--json', '--part-size', '1MiB', file]).stdout).toContain(`"treeHash":"${hex}"`);
  });

  it('hash -: standard input has no total until its end, when the bar shows it', () => {
    const forced = treehash(['hash', '--force-progress', '-'], data);
    expect(forced.stdout).toBe(`${hex}  -\n`);
    expect(forced.stderr).toMatch(/100%  3\.0 MiB \/ 3\.0 MiB .* -\n$/);
  });

  it('hash: an unreadable file still fails as before, the bar ended before the error line', () => {
    const missing = join(dir, 'missing');
    const run = treehash(['hash', '--force-progress', missing, file]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe(`${hex}  ${file}\n`);
    expect(run.stderr).toContain(`\ntreehash: ${missing}: No such file or directory\n`);
    expect(run.stderr).toMatch(FINAL_LINE);
  });

  it('verify --tree-hash and --manifest, and manifest: same stdout and exit status, the bar on stderr', () => {
    const manifestPath = join(dir, 'data.manifest');
    const made = treehash(['manifest', '--force-progress', '--json', '-o', manifestPath, file]);
    expect(made.status).toBe(0);
    expect(JSON.parse(made.stdout)).toMatchObject({ file, treeHash: hex, size: data.length });
    expect(made.stderr).toMatch(FINAL_LINE);
    expect(treehash(['manifest', '--progress', '-o', manifestPath, file]).stdout).toBe(`${hex}  ${file}\n`);

    for (const args of [
      ['verify', '--tree-hash', hex, file],
      ['verify', '--tree-hash', hex.replace(/^./, (c) => (c === '0' ? '1' : '0')), file],
      ['verify', '--manifest', manifestPath, file],
      ['verify', '--manifest', manifestPath, '--json', file],
    ]) {
      const plain = treehash(args);
      const forced = treehash([...args, '--force-progress']);
      expect([forced.status, forced.stdout]).toEqual([plain.status, plain.stdout]);
      expect(forced.stderr).toMatch(FINAL_LINE);
      expect(treehash([...args, '--progress'])).toEqual(plain);
    }
  });

  it('the help of hash, verify and manifest names --progress and --force-progress', () => {
    for (const command of ['hash', 'verify', 'manifest']) {
      const help = treehash([command, '--help']).stdout;
      expect(help).toContain('--progress');
      expect(help).toContain('--force-progress');
    }
  });
});

/** A stand-in stderr: a terminal (or not) that keeps what is written to it. */
function fakeStderr(isTTY: boolean): { stream: NodeJS.WriteStream; written: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  Object.assign(stream, { isTTY, columns: 200 });
  return { stream, written: () => chunks.join('') };
}

describe('the bar', () => {
  it('draws on a terminal, never on stdout, and clears its line at the end', async () => {
    const stdout = vi.spyOn(process.stdout, 'write');
    try {
      const { stream, written } = fakeStderr(true);
      const bar = startProgressBar('name.bin', { progress: true }, stream)!;
      expect(bar).toBeDefined();
      bar.onProgress({ bytes: 2 * MIB, total: 8 * MIB });
      bar.onProgress({ bytes: 8 * MIB, total: 8 * MIB });
      bar.stop();
      await new Promise((resolve) => setImmediate(resolve));
      const text = written();
      expect(text).toMatch(/\[=+\] 100%  8\.0 MiB \/ 8\.0 MiB  [\d.]+ MiB\/s  ETA 0:00  name\.bin/);
      expect(text.endsWith('\x1b[2K')).toBe(true); // the line cleared (the result is printed there)
      expect(stdout).not.toHaveBeenCalled();
    } finally {
      stdout.mockRestore();
    }
  });

  it('is not drawn when stderr is not a terminal, unless forced; nor without a flag', () => {
    expect(startProgressBar('x', { progress: true }, fakeStderr(false).stream)).toBeUndefined();
    expect(startProgressBar('x', {}, fakeStderr(true).stream)).toBeUndefined();
    const forced = startProgressBar('x', { forceProgress: true }, fakeStderr(false).stream);
    expect(forced).toBeDefined();
    forced!.stop();
  });

  it('withProgressBar ends the bar when the hash fails, and passes the failure on', async () => {
    const failure = new Error('read failed');
    await expect(
      withProgressBar('x', {}, async (onProgress) => {
        expect(onProgress).toBeUndefined(); // no flag: no callback, the library pays nothing
        throw failure;
      }),
    ).rejects.toBe(failure);
    // A drawn bar: its first line at the start, its last one from stop() (off a terminal, a line
    // each), and its 2 s timer gone, or the process would not exit.
    const { stream, written } = fakeStderr(false);
    const hashing = withProgressBar(
      'x',
      { forceProgress: true },
      async (onProgress) => {
        onProgress!({ bytes: 5, total: 10 });
        throw failure;
      },
      stream,
    );
    await expect(hashing).rejects.toBe(failure);
    expect(written().split('\n')).toEqual(['0 B  -- MiB/s  x', expect.stringMatching(/ 50%  5 B \/ 10 B .* x$/), '']);
  });

  it('formats bytes, rate and ETA', () => {
    expect([formatBytes(0), formatBytes(1023), formatBytes(1536), formatBytes(40 * 1024 * MIB)]).toEqual(['0 B', '1023 B', '1.5 KiB', '40.0 GiB']);
    expect(formatBytes(42_949_672_960_000)).toBe('39.1 TiB');
    // Just below a unit: the next unit once rounded, never "1024.0".
    expect([formatBytes(MIB - 1), formatBytes(1024 * MIB - 1), formatBytes(1023.94 * 1024)]).toEqual(['1.0 MiB', '1.0 GiB', '1023.9 KiB']);
    // 1 GiB of 3 GiB in 2 s: 512 MiB/s, 4 s to go.
    expect(formatProgressLine('a', 1024 * MIB, 3 * 1024 * MIB, 2000)).toBe('[========----------------]  33%  1.0 GiB / 3.0 GiB  512.0 MiB/s  ETA 0:04  a');
    expect(formatProgressLine('a', 5 * MIB, 40 * 1024 * MIB, 1000)).toMatch(/ETA 2:16:31  a$/);
    expect(formatProgressLine('a', 0, 10, 0)).toBe('[------------------------]   0%  0 B / 10 B  -- MiB/s  ETA --:--  a');
    expect(formatProgressLine('-', 3 * MIB, undefined, 1000)).toBe('3.0 MiB  3.0 MiB/s  -');
    expect(formatProgressLine('e', 0, 0, 5)).toBe('[========================] 100%  0 B / 0 B  -- MiB/s  ETA 0:00  e');
  });

  it('shows a file name with a newline on one line', () => {
    const { stream, written } = fakeStderr(false);
    const bar = startProgressBar('odd\nname', { forceProgress: true }, stream)!;
    bar.stop();
    expect(written()).not.toContain('odd\n');
    expect(written()).toContain('odd?name');
  });
});
