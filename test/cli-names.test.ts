// File names that are not UTF-8 (`printf abc > $'bad\xff\xfename'`): the CLI keeps them as the
// bytes the OS gives (src/cli/names.ts), hashes the file they name, and prints them as sha256sum
// does, byte for byte; side by side with GNU's sha256sum where it is installed. Such names cannot
// be passed through spawn's string arguments, so the bin runs under /bin/sh with printf.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { commandLineArguments, decodeName, encodeName, fsPath } from '../src/cli/names.js';
import { quoteFileName } from '../src/cli/sums.js';
import { MIB, mod251, referenceTreeHashHex } from './reference.js';

const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'treehash-cli-names-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const HAS_GNU = spawnSync('sha256sum', ['--version'], { encoding: 'utf8' }).stdout?.includes('GNU coreutils') === true;

/** A name as bytes, and as printf's octal escapes for the shell. */
const BAD = Buffer.from('bad\xff\xfename', 'latin1');
const printfArg = (name: Buffer) => [...name].map((byte) => `\\${byte.toString(8).padStart(3, '0')}`).join('');
/** `"$(printf '\142\141…')"`: the name's bytes as one shell word (printf keeps a trailing newline out of $(…), so none end in one). */
const word = (name: Buffer) => `"$(printf '${printfArg(name)}')"`;

/** Runs `treehash ARGS` (shell words) in the temporary directory; output as bytes. */
function run(tool: 'treehash' | 'sha256sum', args: string, input?: Uint8Array) {
  const command = tool === 'treehash' ? `exec "${process.execPath}" "${BIN}" ${args}` : `exec sha256sum ${args}`;
  const result = spawnSync('/bin/sh', ['-c', command], { cwd: dir, input });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString('utf8') };
}

/** A path in the temporary directory, as bytes. */
const inDir = (name: Buffer) => Buffer.concat([Buffer.from(`${dir}/`), name]);
const content = Buffer.from('abc');
writeFileSync(inDir(BAD), content);
const hex = referenceTreeHashHex(content);

describe('names that are not UTF-8 (src/cli/names.ts)', () => {
  it('decodeName / encodeName round-trip any bytes, and leave UTF-8 as the text it is', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(encodeName(decodeName(bytes))).toEqual(Buffer.from(bytes));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(decodeName(Buffer.from(text, 'utf8'))).toBe(text);
        expect(encodeName(text)).toEqual(Buffer.from(text, 'utf8'));
        expect(fsPath(text)).toBe(text);
      }),
    );
    // U+1F480 is the pair D83D DC80: its low half is not a byte.
    expect(encodeName('\u{1F480}')).toEqual(Buffer.from('\u{1F480}', 'utf8'));
    expect(decodeName(BAD)).toBe('bad\udcff\udcfename');
    expect(fsPath('bad\udcff\udcfename')).toEqual(BAD);
    // Overlong forms and encoded surrogates are not UTF-8: each byte stays itself.
    for (const bytes of [
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe2, 0x82],
    ]) {
      expect(encodeName(decodeName(Buffer.from(bytes)))).toEqual(Buffer.from(bytes));
      expect([...decodeName(Buffer.from(bytes))].every((c) => c.charCodeAt(0) >= 0xdc80)).toBe(true);
    }
  });

  it('quotes such a name in messages as GNU does: each byte as an octal escape', () => {
    expect(quoteFileName('bad\udcff\udcfename')).toBe(String.raw`'bad'$'\377\376''name'`);
    expect(quoteFileName('\udcff')).toBe(String.raw`''$'\377'`);
  });

  it('takes the bytes of an argument from /proc/self/cmdline only when they agree with argv', () => {
    expect(commandLineArguments(['node', 'main.js', 'plain', 'é'])).toEqual(['plain', 'é']);
    // Arguments that are not this process's: argv as given.
    expect(commandLineArguments(['node', 'main.js', 'x\uFFFD'])).toEqual(['x\uFFFD']);
  });

  it('hash prints the name byte for byte, as sha256sum does, and --json escapes each byte as \\udcXX', () => {
    const ours = run('treehash', `hash ${word(BAD)}`);
    expect(ours.stderr).toBe('');
    expect(ours.status).toBe(0);
    expect(ours.stdout).toEqual(Buffer.concat([Buffer.from(`${hex}  `), BAD, Buffer.from('\n')]));
    if (HAS_GNU) expect(ours.stdout).toEqual(run('sha256sum', word(BAD)).stdout);
    const json = JSON.parse(run('treehash', `hash --json ${word(BAD)}`).stdout.toString('utf8')) as { file: string; treeHash: string };
    expect(json).toMatchObject({ file: 'bad\udcff\udcfename', treeHash: hex });
    expect(encodeName(json.file)).toEqual(BAD);
  });

  it('check finds the file its sums line names, and reports it as sha256sum -c does', () => {
    writeFileSync(join(dir, 'SUMS'), run('treehash', `hash ${word(BAD)}`).stdout);
    const ours = run('treehash', 'check SUMS');
    expect(ours).toEqual({ status: 0, stdout: Buffer.concat([BAD, Buffer.from(': OK\n')]), stderr: '' });
    if (HAS_GNU) expect(ours).toEqual(run('sha256sum', '-c SUMS'));
    // From standard input too, and a SUMS whose own name is not UTF-8.
    expect(run('treehash', 'check -', readFileSync(join(dir, 'SUMS'))).stdout).toEqual(ours.stdout);
    const sumsName = Buffer.from('sums\xfe', 'latin1');
    writeFileSync(inDir(sumsName), readFileSync(join(dir, 'SUMS')));
    expect(run('treehash', `check ${word(sumsName)}`)).toEqual(ours);
  });

  it('a name with a newline and a byte that is not UTF-8: escaped line, read back by check, like sha256sum', () => {
    const odd = Buffer.from('new\nline\xff', 'latin1');
    writeFileSync(inDir(odd), mod251(MIB + 1));
    const ours = run('treehash', `hash ${word(odd)}`);
    expect(ours.stdout).toEqual(Buffer.concat([Buffer.from(`\\${referenceTreeHashHex(mod251(MIB + 1))}  new\\nline`), Buffer.from([0xff, 0x0a])]));
    writeFileSync(join(dir, 'SUMS-odd'), ours.stdout);
    expect(run('treehash', 'check SUMS-odd')).toEqual({ status: 0, stdout: Buffer.from('\\new\\nline\xff: OK\n', 'latin1'), stderr: '' });
  });

  it('a missing file with such a name is quoted in the message exactly as sha256sum quotes it', () => {
    const missing = Buffer.from('x\xff\xfey', 'latin1');
    const ours = run('treehash', `hash ${word(missing)}`);
    expect(ours.stderr).toBe(String.raw`treehash: 'x'$'\377\376''y': No such file or directory` + '\n');
    expect(ours.status).toBe(2);
    if (HAS_GNU) expect(ours.stderr).toBe(run('sha256sum', word(missing)).stderr.replace(/^sha256sum: /, 'treehash: '));
    writeFileSync(join(dir, 'SUMS-missing'), Buffer.concat([Buffer.from(`${hex}  `), missing, Buffer.from('\n')]));
    const check = run('treehash', 'check SUMS-missing');
    expect(check.stdout).toEqual(Buffer.concat([missing, Buffer.from(': FAILED open or read\n')]));
    expect(check.stderr.split('\n')[0]).toBe(String.raw`treehash: 'x'$'\377\376''y': No such file or directory`);
  });

  it('verify, manifest and parts open such a file too', () => {
    const verified = run('treehash', `verify ${word(BAD)} --tree-hash ${hex}`);
    expect(verified).toEqual({ status: 0, stdout: Buffer.concat([BAD, Buffer.from(': OK\n')]), stderr: '' });
    const manifest = Buffer.from('m\xff', 'latin1');
    expect(run('treehash', `manifest ${word(BAD)} -o ${word(manifest)}`).status).toBe(0);
    expect(run('treehash', `verify ${word(BAD)} --manifest ${word(manifest)}`).status).toBe(0);
    expect(run('treehash', `manifest --show ${word(manifest)}`).stdout.toString()).toContain(`tree hash ${hex}`);
    const parts = run('treehash', `parts ${word(BAD)} --json`);
    expect(parts.status).toBe(0);
    expect(JSON.parse(parts.stdout.toString('utf8'))).toMatchObject({ file: 'bad\udcff\udcfename', treeHash: hex });
  });
});
