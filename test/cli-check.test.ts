// `treehash check` as `sha256sum -c` for tree hashes. First the line format (src/cli/sums.ts) on
// its own, then the built bin (npm run build first) on real files with odd names in a temporary
// directory, side by side with GNU's sha256sum where it is installed: a file of at most 1 MiB is
// one leaf, so its tree hash is its SHA-256 and the two tools' lines can be compared byte for byte.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCheckLine, formatSumLine, parseSumLine, type SumsLayout } from '../src/cli/sums.js';
import { MIB, mod251, referenceSha256Hex, referenceTreeHashHex } from './reference.js';

const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'treehash-cli-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a command in the temporary directory, so that names in sums files are relative as users write them. */
function run(command: string, args: string[], input?: string) {
  const result = spawnSync(command, args, { input, encoding: 'utf8', cwd: dir, maxBuffer: 64 * MIB });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
const treehash = (args: string[], input?: string) => run(process.execPath, [BIN, ...args], input);
const gnu = (args: string[], input?: string) => run('sha256sum', args, input);
const HAS_GNU = spawnSync('sha256sum', ['--version'], { encoding: 'utf8' }).stdout?.includes('GNU coreutils') === true;
/** GNU's stderr in our words: our program name, and "tree hash" for GNU's "SHA256 checksum". */
const asOurs = (stderr: string) =>
  stderr
    .replace(/^sha256sum: /gm, 'treehash: ')
    .replace(/improperly formatted SHA256 checksum line/g, 'improperly formatted tree hash line')
    .replace(/no properly formatted (SHA256 )?checksum lines found/g, 'no properly formatted tree hash lines found');

const H = 'ab'.repeat(32);
const UPPER = 'AB'.repeat(32);

describe('sums lines (src/cli/sums.ts)', () => {
  it('escapes a name with a backslash, newline or carriage return, and says so with a leading backslash', () => {
    expect(formatSumLine(H, 'plain name')).toBe(`${H}  plain name`);
    expect(formatSumLine(H, 'a\\b')).toBe(`\\${H}  a\\\\b`);
    expect(formatSumLine(H, 'a\nb')).toBe(`\\${H}  a\\nb`);
    expect(formatSumLine(H, 'a\rb')).toBe(`\\${H}  a\\rb`);
    expect(formatSumLine(H, '\\\n\r\t*')).toBe(`\\${H}  \\\\\\n\\r\t*`);
    expect(formatCheckLine('plain', 'OK')).toBe('plain: OK');
    expect(formatCheckLine('a\\b', 'OK')).toBe('\\a\\\\b: OK');
    expect(formatCheckLine('a\nb\r', 'FAILED')).toBe('\\a\\nb\\r: FAILED');
    expect(formatCheckLine('x', 'FAILED open or read')).toBe('x: FAILED open or read');
  });

  it('reads back every name it writes, through one layout for a whole file', () => {
    const nameChar = fc.constantFrom('a', 'é', ' ', '\t', '*', '#', '\\', '\n', '\r', 'n', 'r', '(', ')', '=');
    const line = fc.record({
      hex: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString('hex')),
      file: fc.array(nameChar, { minLength: 1, maxLength: 12 }).map((chars) => chars.join('')),
    });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), (entries) => {
        const layout: SumsLayout = {};
        const text = entries.map(({ hex, file }) => formatSumLine(hex, file)).join('\n');
        // Escaped names never put a line break inside a line.
        expect(text.split('\n')).toHaveLength(entries.length);
        expect(text.split('\n').map((l) => parseSumLine(l, layout))).toEqual(entries);
      }),
    );
  });

  it('accepts what sha256sum -c accepts: upper case, "*", leading blanks, a tab, blanks kept in the name', () => {
    expect(parseSumLine(`${UPPER}  x`)).toEqual({ hex: H, file: 'x' });
    expect(parseSumLine(`${H} *x`)).toEqual({ hex: H, file: 'x' });
    expect(parseSumLine(` \t${H}  x`)).toEqual({ hex: H, file: 'x' });
    expect(parseSumLine(`\t\\${H}  a\\nb`)).toEqual({ hex: H, file: 'a\nb' });
    expect(parseSumLine(`${H}\t x`)).toEqual({ hex: H, file: 'x' });
    expect(parseSumLine(`${H}   two leading spaces and a trailing one `)).toEqual({ hex: H, file: ' two leading spaces and a trailing one ' });
    // Without the leading backslash a backslash is just a character.
    expect(parseSumLine(`${H}  a\\nb`)).toEqual({ hex: H, file: 'a\\nb' });
    expect(parseSumLine(`${H}  a\rb`)).toEqual({ hex: H, file: 'a\rb' });
  });

  it('reads BSD "<hex> <file>" lines, but never mixed with GNU lines in one file', () => {
    const bsd: SumsLayout = {};
    expect(parseSumLine(`${H} x`, bsd)).toEqual({ hex: H, file: 'x' });
    expect(parseSumLine(`${H}  x`, bsd)).toEqual({ hex: H, file: ' x' });
    expect(parseSumLine(`${H} *x`, bsd)).toEqual({ hex: H, file: '*x' });
    const gnuLayout: SumsLayout = {};
    expect(parseSumLine(`${H}  x`, gnuLayout)).toEqual({ hex: H, file: 'x' });
    expect(parseSumLine(`${H} x`, gnuLayout)).toBeUndefined();
  });

  it('refuses improperly formatted lines, bad escapes included', () => {
    for (const line of [
      '',
      '   ',
      'garbage',
      `${H}`,
      `${H} `,
      `${H.slice(1)}  x`,
      `${H}a  x`,
      `${H.slice(1)}g  x`,
      `${H}-x`,
      `SHA256 (x) = ${H}`,
      `\\${H}  a\\qb`,
      `\\${H}  a\\`,
      `\\${H}  a\\\\\\`,
      `${H}  a\0b`,
      `\\\\${H}  x`,
    ]) {
      expect(parseSumLine(line), JSON.stringify(line)).toBeUndefined();
    }
  });
});

describe('treehash check on odd names, and GNU sha256sum side by side', () => {
  // Each with the number of bytes it holds; "big" spans two leaves, so its tree hash is not its SHA-256.
  const small = ['plain.bin', ' leading space', 'tab\there', 'back\\slash', 'new\nline', 'carriage\rreturn', 'all\\\n\r3', 'star*'];
  const files = [...small, 'big'];
  const contents = new Map(files.map((name, i) => [name, mod251(name === 'big' ? MIB + 7 : 100 * i)]));
  for (const [name, data] of contents) writeFileSync(join(dir, name), data);
  const treeHex = (name: string) => referenceTreeHashHex(contents.get(name)!);
  // The escaped form of each name, written out by hand (the oracle is not the product's code).
  const shown: Record<string, string> = {
    'plain.bin': 'plain.bin',
    ' leading space': ' leading space',
    'tab\there': 'tab\there',
    'back\\slash': '\\back\\\\slash',
    'new\nline': '\\new\\nline',
    'carriage\rreturn': '\\carriage\\rreturn',
    'all\\\n\r3': '\\all\\\\\\n\\r3',
    'star*': 'star*',
    big: 'big',
  };
  const sumLine = (name: string) => (shown[name] === name ? `${treeHex(name)}  ${name}` : `\\${treeHex(name)}  ${shown[name]!.slice(1)}`);

  it('hash → check round trip: escaped lines, escaped verdicts, exit 0', () => {
    const hashed = treehash(['hash', ...files]);
    expect(hashed).toMatchObject({ status: 0, stderr: '' });
    expect(hashed.stdout).toBe(files.map((name) => `${sumLine(name)}\n`).join(''));
    writeFileSync(join(dir, 'SUMS'), hashed.stdout);
    expect(treehash(['check', 'SUMS'])).toEqual({ status: 0, stdout: files.map((name) => `${shown[name]}: OK\n`).join(''), stderr: '' });
    expect(treehash(['check', '-'], hashed.stdout)).toEqual({ status: 0, stdout: files.map((name) => `${shown[name]}: OK\n`).join(''), stderr: '' });
    const json = treehash(['check', '--json', 'SUMS']);
    expect(
      json.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(files.map((file) => ({ file, ok: true, expected: treeHex(file), actual: treeHex(file) })));
  });

  it("a changed file with an odd name: its FAILED line escaped, GNU's warning, exit 1", () => {
    writeFileSync(
      join(dir, 'SUMS-changed'),
      `${sumLine('plain.bin')}\n${sumLine('new\nline').replace(treeHex('new\nline'), referenceTreeHashHex(mod251(3)))}\n`,
    );
    expect(treehash(['check', 'SUMS-changed'])).toEqual({
      status: 1,
      stdout: 'plain.bin: OK\n\\new\\nline: FAILED\n',
      stderr: 'treehash: WARNING: 1 computed checksum did NOT match\n',
    });
    expect(treehash(['check', '--quiet', 'SUMS-changed'])).toMatchObject({ status: 1, stdout: '\\new\\nline: FAILED\n' });
    expect(treehash(['check', '--status', 'SUMS-changed'])).toEqual({ status: 1, stdout: '', stderr: '' });
  });

  it.skipIf(!HAS_GNU)("writes the same lines as sha256sum, and each tool checks the other's", () => {
    const ours = treehash(['hash', ...small]);
    const theirs = gnu(small);
    expect(ours.stdout).toBe(theirs.stdout);
    expect(theirs.stdout).toBe(small.map((name) => `${sumLine(name)}\n`).join(''));
    // The oracle and GNU agree that a one-leaf tree hash is the SHA-256.
    for (const name of small) expect(treeHex(name)).toBe(referenceSha256Hex(contents.get(name)!));
    writeFileSync(join(dir, 'SUMS-small'), ours.stdout);
    const ourCheck = treehash(['check', 'SUMS-small']);
    const gnuCheck = gnu(['-c', 'SUMS-small']);
    expect(ourCheck.status).toBe(0);
    expect(gnuCheck.status).toBe(0);
    expect(gnuCheck.stderr).toBe(ourCheck.stderr);
    // Current coreutils (src/digest.c, problematic_chars; newer than 9.1) escape a verdict's name as
    // on a sums line; 9.1 escaped it only for a newline and printed a lone backslash or CR raw.
    const gnuLines = gnuCheck.stdout.trimEnd().split('\n');
    expect(gnuLines).toHaveLength(small.length);
    for (const [i, name] of small.entries()) {
      const accepted = name.includes('\n') || !/[\\\r]/.test(name) ? [`${shown[name]}: OK`] : [`${shown[name]}: OK`, `${name}: OK`];
      expect(accepted).toContain(gnuLines[i]);
    }
    expect(ourCheck.stdout).toBe(small.map((name) => `${shown[name]}: OK\n`).join(''));
  });

  it.skipIf(!HAS_GNU)('reports like sha256sum -c: mismatches, bad lines, --warn, --strict, --quiet, --status, --ignore-missing', () => {
    const wrong = referenceTreeHashHex(mod251(5));
    writeFileSync(
      join(dir, 'SUMS-mixed'),
      [
        '# a comment',
        sumLine('new\nline'),
        '',
        `${wrong}  plain.bin`,
        'not a line',
        `\\${treeHex('back\\slash')}  back\\slash`, // a bad escape: improperly formatted
        `  ${treeHex('tab\there').toUpperCase()}\t tab\there\r`,
        `${treeHex('star*')}\t*star*`,
        `${treeHex('plain.bin')} plain.bin`, // BSD's layout after GNU's: improperly formatted
        '   ',
      ].join('\n') + '\n',
    );
    for (const options of [[], ['--quiet'], ['--status'], ['-w'], ['--warn', '--strict'], ['--strict'], ['--ignore-missing']]) {
      const ours = treehash(['check', ...options, 'SUMS-mixed']);
      const theirs = gnu(['-c', ...options, 'SUMS-mixed']);
      expect({ options, ...ours }).toEqual({ options, ...theirs, stderr: asOurs(theirs.stderr) });
    }
    expect(treehash(['check', '-w', 'SUMS-mixed']).stderr).toBe(
      [
        'treehash: SUMS-mixed: 5: improperly formatted tree hash line',
        'treehash: SUMS-mixed: 6: improperly formatted tree hash line',
        'treehash: SUMS-mixed: 9: improperly formatted tree hash line',
        'treehash: SUMS-mixed: 10: improperly formatted tree hash line',
        'treehash: WARNING: 4 lines are improperly formatted',
        'treehash: WARNING: 1 computed checksum did NOT match',
        '',
      ].join('\n'),
    );

    // Nothing properly formatted, and --ignore-missing with nothing verified: the same words, exit 1.
    writeFileSync(join(dir, 'SUMS-none'), 'nothing here\n');
    writeFileSync(join(dir, 'SUMS-gone'), `${wrong}  gone.bin\n`);
    for (const args of [['SUMS-none'], ['--status', 'SUMS-none'], ['--ignore-missing', 'SUMS-gone']]) {
      const theirs = gnu(['-c', ...args]);
      expect(treehash(['check', ...args])).toEqual({ ...theirs, stderr: asOurs(theirs.stderr) });
      expect(theirs.status).toBe(1);
    }
  });

  it.skipIf(!HAS_GNU)('a listed file that cannot be read: the same report as sha256sum -c, but exit 2', () => {
    writeFileSync(join(dir, 'SUMS-missing'), `${sumLine('plain.bin')}\n${treeHex('plain.bin')}  gone.bin\n${sumLine('new\nline')}\n`);
    for (const options of [[], ['--quiet'], ['--status']]) {
      const ours = treehash(['check', ...options, 'SUMS-missing']);
      const theirs = gnu(['-c', ...options, 'SUMS-missing']);
      expect(ours.stdout).toBe(theirs.stdout);
      expect(ours.stderr).toBe(asOurs(theirs.stderr));
      expect(theirs.status).toBe(1);
      expect(ours.status).toBe(2);
    }
    expect(treehash(['check', 'SUMS-missing'])).toEqual({
      status: 2,
      stdout: 'plain.bin: OK\ngone.bin: FAILED open or read\n\\new\\nline: OK\n',
      stderr: 'treehash: gone.bin: No such file or directory\ntreehash: WARNING: 1 listed file could not be read\n',
    });
    // --ignore-missing skips it silently; a directory is still unreadable.
    expect(treehash(['check', '--ignore-missing', 'SUMS-missing'])).toEqual({ status: 0, stdout: 'plain.bin: OK\n\\new\\nline: OK\n', stderr: '' });
    writeFileSync(join(dir, 'SUMS-dir'), `${treeHex('plain.bin')}  .\n`);
    const ours = treehash(['check', '--ignore-missing', 'SUMS-dir']);
    const theirs = gnu(['-c', '--ignore-missing', 'SUMS-dir']);
    expect(ours).toEqual({ ...theirs, stderr: asOurs(theirs.stderr), status: 2 });
    expect(ours.stdout).toBe('.: FAILED open or read\n');
  });

  it('standard input: "-" in a sums file reads it; in sums read from it, "-" is an improperly formatted line', () => {
    const data = 'Welcome to Amazon Glacier.';
    const hex = '726e392cb4d09924dbad1cc0ba3b00c3643d03d14cb4b823e2f041cff612a628';
    writeFileSync(join(dir, 'SUMS-stdin'), `${hex}  -\n`);
    expect(treehash(['check', 'SUMS-stdin'], data)).toEqual({ status: 0, stdout: '-: OK\n', stderr: '' });
    const fromStdin = treehash(['check', '-'], `${hex}  -\n`);
    // GNU quotes the name in its messages (quotef), this one too.
    expect(fromStdin).toEqual({ status: 1, stdout: '', stderr: "treehash: 'standard input': no properly formatted tree hash lines found\n" });
    expect(treehash(['check', '-w', '-'], `${hex}  -\n${sumLine('plain.bin')}\n`)).toEqual({
      status: 0,
      stdout: 'plain.bin: OK\n',
      stderr: "treehash: 'standard input': 1: improperly formatted tree hash line\ntreehash: WARNING: 1 line is improperly formatted\n",
    });
  });

  it('names in messages on stderr are quoted as GNU quotes them (quotef), so each message stays one line', () => {
    // [name, its escaped form on a sums line, how GNU's messages show it] — written out by hand.
    const names: [string, string, string][] = [
      ['plain.txt', 'plain.txt', 'plain.txt'],
      ['a@b', 'a@b', 'a@b'],
      ['a~', 'a~', 'a~'],
      ['a b', 'a b', "'a b'"],
      ['x:y', 'x:y', "'x:y'"],
      ['~a', '~a', "'~a'"],
      ['q?', 'q?', "'q?'"],
      ["it's", "it's", `"it's"`],
      ['d"q', 'd"q', `'d"q'`],
      ["it's\\a", "it's\\\\a", String.raw`'it'\''s\a'`],
      ['gone\nline', 'gone\\nline', String.raw`'gone'$'\n''line'`],
      ['tab\tx', 'tab\tx', String.raw`'tab'$'\t''x'`],
      ['x\x01y', 'x\x01y', String.raw`'x'$'\001''y'`],
      ['del\x7f', 'del\x7f', String.raw`'del'$'\177'`],
    ];
    const hex = referenceTreeHashHex(mod251(9));
    // None of these files exists.
    const lines = names.map(([name, escaped]) => `${escaped === name ? '' : '\\'}${hex}  ${escaped}`);
    writeFileSync(join(dir, 'SUMS quoted'), `${lines.join('\n')}\nnot a line\n`);
    const ours = treehash(['check', '-w', 'SUMS quoted']);
    expect(ours.stderr).toBe(
      [
        ...names.map(([, , shown]) => `treehash: ${shown}: No such file or directory`),
        `treehash: 'SUMS quoted': ${names.length + 1}: improperly formatted tree hash line`,
        'treehash: WARNING: 1 line is improperly formatted',
        `treehash: WARNING: ${names.length} listed files could not be read`,
        '',
      ].join('\n'),
    );
    if (HAS_GNU) expect(ours.stderr).toBe(asOurs(gnu(['-c', '-w', 'SUMS quoted']).stderr));
  });

  it('of --status, --quiet and --warn the last one given wins, as in sha256sum -c', () => {
    const wrong = referenceTreeHashHex(mod251(7));
    writeFileSync(join(dir, 'SUMS-modes'), `${sumLine('plain.bin')}\nnot a line\n${wrong}  star*\n`);
    const warned = 'treehash: SUMS-modes: 2: improperly formatted tree hash line\n';
    const summary = 'treehash: WARNING: 1 line is improperly formatted\ntreehash: WARNING: 1 computed checksum did NOT match\n';
    const expected: Record<string, { stdout: string; stderr: string }> = {
      '--status -w': { stdout: 'plain.bin: OK\nstar*: FAILED\n', stderr: warned + summary },
      '-w --status': { stdout: '', stderr: '' },
      '--quiet -w': { stdout: 'plain.bin: OK\nstar*: FAILED\n', stderr: warned + summary },
      '-w --quiet': { stdout: 'star*: FAILED\n', stderr: summary },
      '--status --quiet': { stdout: 'star*: FAILED\n', stderr: summary },
      '--quiet --status': { stdout: '', stderr: '' },
    };
    for (const [options, output] of Object.entries(expected)) {
      const ours = treehash(['check', ...options.split(' '), 'SUMS-modes']);
      expect({ options, ...ours }).toEqual({ options, status: 1, ...output });
      if (HAS_GNU) {
        const theirs = gnu(['-c', ...options.split(' '), 'SUMS-modes']);
        expect({ options, ...ours }).toEqual({ options, ...theirs, stderr: asOurs(theirs.stderr) });
      }
    }
  });

  it('usage: --status with --json is refused (exit 2); an unreadable SUMS exits 2', () => {
    expect(treehash(['check', '--status', '--json', 'SUMS']).status).toBe(2);
    expect(treehash(['check', 'no-such-sums'])).toMatchObject({ status: 2, stdout: '', stderr: 'treehash: no-such-sums: No such file or directory\n' });
    const help = treehash(['check', '--help']);
    expect(help.status).toBe(0);
    for (const option of ['--ignore-missing', '--quiet', '--status', '--strict', '--warn', '--json']) expect(help.stdout).toContain(option);
  });
});
