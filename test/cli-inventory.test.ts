// `treehash inventory INVENTORY DIR [--by name|content] [--json]` through the built bin (npm run
// build first), on vaults built here: statuses and exit codes (0 all ok, 1 anything else, 2 usage
// errors and unreadable or malformed inventories), JSON lines, the table and its summary.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveOf, fastGlacier4, inventoryCsv, inventoryJson, mt2, writeFiles } from './audit-fixtures.js';
import { MIB, referenceTreeHashHex } from './reference.js';
import { randomBytes } from './helpers.js';

const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'treehash-cli-inventory-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function treehash(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', cwd: root, maxBuffer: 64 * MIB });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
const jsonLines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
const brief = (rows: Record<string, unknown>[]) =>
  rows.map(({ status, path, archiveId, duplicateOf }) => JSON.stringify({ status, path, archiveId, duplicateOf })).sort();

const multi = randomBytes(MIB + 4096, 21);
const good = [
  archiveOf('id-a', 'a.txt', 'alpha', '2014-01-01T00:00:00Z'),
  archiveOf('id-b', mt2('sub dir/b, "β".txt'), 'beta', '2014-01-02T00:00:00.500Z'),
  archiveOf('id-c', fastGlacier4('win\\c.bin'), multi, '2014-01-03T00:00:00Z'),
];

beforeAll(() => {
  writeFiles(join(root, 'clean'), { 'a.txt': 'alpha', 'sub dir/b, "β".txt': 'beta', 'win/c.bin': multi });
  writeFiles(join(root, 'messy'), { 'a.txt': 'alphA', 'sub dir/b, "β".txt': 'bet', 'extra.txt': 'extra' });
  writeFiles(root, {
    'clean.json': inventoryJson(good),
    'clean.csv': inventoryCsv(good, { eol: '\r\n' }),
    'journal.log':
      good
        .map((a, i) => `B\t${1000 + i}\tCREATED\t${a.ArchiveId}\t${a.Size}\tNONE\t${a.SHA256TreeHash}\t${['a.txt', 'sub dir/b, "β".txt', 'win/c.bin'][i]}`)
        .join('\n') + '\n',
    'messy.json': inventoryJson([...good, archiveOf('id-dup', 'copy.txt', 'alpha', '2015-01-01T00:00:00Z')]),
    'nameless.csv': inventoryCsv(good.map((a) => ({ ...a, ArchiveDescription: '' }))),
    'bad.json': '{"ArchiveList":[{"ArchiveId":"x","ArchiveDescription":"","CreationDate":"2014-01-01T00:00:00Z","Size":-4,"SHA256TreeHash":"00"}]}',
    'bad.csv': 'ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\nid,"unclosed,2014-01-01T00:00:00Z,1,' + '0'.repeat(64) + '\n',
    'bad.log': 'B\t1\tCREATED\tid\t1\tNONE\tnothex\tname\n',
    'unknown.txt': 'hello world\n',
  });
});

describe('treehash inventory', () => {
  it('exits 0 when every archive and every file is ok: JSON, CSV, journal, stdin', () => {
    const expected = brief([
      { status: 'ok', path: 'a.txt', archiveId: 'id-a' },
      { status: 'ok', path: 'sub dir/b, "β".txt', archiveId: 'id-b' },
      { status: 'ok', path: 'win/c.bin', archiveId: 'id-c' },
    ]);
    for (const inventory of ['clean.json', 'clean.csv', 'journal.log']) {
      const result = treehash(['inventory', inventory, 'clean', '--json']);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(brief(jsonLines(result.stdout))).toEqual(expected);
    }
    const piped = treehash(['inventory', '-', 'clean', '--json'], inventoryJson(good));
    expect(piped.status).toBe(0);
    expect(brief(jsonLines(piped.stdout))).toEqual(expected);
    const byContent = treehash(['inventory', 'nameless.csv', 'clean', '--by', 'content', '--json']);
    expect(byContent.status).toBe(0);
    expect(brief(jsonLines(byContent.stdout))).toEqual(expected);
  });

  it('exits 1 and says what differs: JSON lines with status, path and archiveId', () => {
    const result = treehash(['inventory', 'messy.json', 'messy', '--json']);
    expect(result.status).toBe(1);
    const rows = jsonLines(result.stdout);
    expect(brief(rows)).toEqual(
      brief([
        { status: 'treehash-mismatch', path: 'a.txt', archiveId: 'id-a' },
        { status: 'size-mismatch', path: 'sub dir/b, "β".txt', archiveId: 'id-b' },
        { status: 'missing', path: 'win/c.bin', archiveId: 'id-c' },
        { status: 'duplicate', path: 'copy.txt', archiveId: 'id-dup', duplicateOf: 'id-a' },
        { status: 'not-in-vault', path: 'extra.txt' },
      ]),
    );
    for (const row of rows) {
      const first = row.archiveId === undefined ? ['status', 'path'] : ['status', 'path', 'archiveId'];
      expect(Object.keys(row).slice(0, first.length)).toEqual(first);
    }
    const mismatch = rows.find((r) => r.status === 'treehash-mismatch')!;
    expect(mismatch).toMatchObject({
      treeHash: referenceTreeHashHex(new TextEncoder().encode('alpha')),
      localTreeHash: referenceTreeHashHex(new TextEncoder().encode('alphA')),
    });
  });

  it('exits 1 for a duplicate or a file not in the vault alone', () => {
    writeFiles(root, { 'dup.json': inventoryJson([...good, archiveOf('id-a2', 'a.txt', 'alpha', '2014-06-01T00:00:00Z')]) });
    const dup = treehash(['inventory', 'dup.json', 'clean', '--json']);
    expect(dup.status).toBe(1);
    expect(jsonLines(dup.stdout).filter((r) => r.status !== 'ok')).toMatchObject([
      { status: 'duplicate', archiveId: 'id-a2', duplicateOf: 'id-a', path: 'a.txt' },
    ]);
    writeFiles(join(root, 'clean plus'), { 'a.txt': 'alpha', 'sub dir/b, "β".txt': 'beta', 'win/c.bin': multi, 'new.txt': 'new' });
    const extra = treehash(['inventory', 'clean.json', 'clean plus', '--json']);
    expect(extra.status).toBe(1);
    expect(jsonLines(extra.stdout).filter((r) => r.status !== 'ok')).toEqual([{ status: 'not-in-vault', path: 'new.txt', localSize: 3 }]);
  });

  it('prints a table and a summary of counts per status without --json', () => {
    const result = treehash(['inventory', 'messy.json', 'messy']);
    expect(result.status).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines).toContain('not-in-vault       extra.txt');
    expect(lines.some((l) => l.startsWith('size-mismatch      \'sub dir/b, "β".txt\'  archive id-b; 3 bytes here, 4 in the vault'))).toBe(true);
    expect(lines.some((l) => l.startsWith('duplicate          copy.txt  archive id-dup; duplicate of id-a (local file: missing)'))).toBe(true);
    expect(result.stdout).toContain('4 archives in the vault, 3 files under messy:');
    for (const [status, count] of [
      ['ok', 0],
      ['treehash-mismatch', 1],
      ['size-mismatch', 1],
      ['missing', 1],
      ['not-in-vault', 1],
      ['duplicate', 1],
      ['unreadable', 0],
    ] as const) {
      expect(lines).toContain(`  ${status.padEnd(17)}  ${count}`);
    }
    expect(result.stderr).toBe(''); // no bar off a terminal
  });

  it('draws the progress bar on stderr only when forced off a terminal', () => {
    const result = treehash(['inventory', 'clean.json', 'clean', '--force-progress']);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/100%/);
    expect(result.stdout).not.toMatch(/%/);
  });

  it('exits 2 on a malformed, unknown, empty or unreadable inventory, naming what is wrong', () => {
    const cases: [string, RegExp][] = [
      ['bad.json', /treehash: the JSON inventory: ArchiveList\[0\]\.Size must be a non-negative integer, got -4 \(at byte 16\)/],
      ['bad.csv', /treehash: the CSV inventory: line 2: does not split into the header's 5 fields/],
      ['bad.log', /treehash: the journal: line 1: the tree hash "nothex" is not 64 hex digits/],
      ['unknown.txt', /treehash: not a vault inventory or journal/],
      ['no-such-file.json', /treehash: no-such-file.json: No such file or directory/],
      ['clean', /treehash: clean: Is a directory/],
    ];
    for (const [inventory, message] of cases) {
      const result = treehash(['inventory', inventory, 'clean', '--json']);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
    }
    const empty = treehash(['inventory', '-', 'clean'], '');
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/the inventory is empty/);
  });

  it('exits 2 on usage errors and an unreadable directory', () => {
    expect(treehash(['inventory', 'clean.json']).status).toBe(2);
    const by = treehash(['inventory', 'clean.json', 'clean', '--by', 'size']);
    expect(by.status).toBe(2);
    expect(by.stderr).toMatch(/--by <how>' argument 'size' is invalid. Allowed choices are name, content/);
    const dir = treehash(['inventory', 'clean.json', 'no such dir']);
    expect(dir.status).toBe(2);
    expect(dir.stderr).toMatch(/No such file or directory/);
  });
});
