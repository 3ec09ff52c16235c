// auditVault (glacier-treehash/node) on vaults built here: local files with names that need care,
// and inventories and journals written from reference tree hashes (@noble/hashes). Every status:
// ok, treehash-mismatch, size-mismatch, missing, not-in-vault, duplicate, unreadable.
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TreeHashError } from '../src/core/errors.js';
import { type AuditResult, VaultMatcher, findDuplicates } from '../src/audit/match.js';
import { auditVault, type AuditFileHasher } from '../src/node/audit.js';
import { hashFile } from '../src/node/files.js';
import type { VaultArchive } from '../src/audit/types.js';
import { readVault } from '../src/audit/detect.js';
import {
  type FixtureArchive,
  archiveId,
  archiveOf,
  chunked,
  cloudBerry,
  collect,
  fastGlacier1,
  fastGlacier4,
  inventoryCsv,
  inventoryJson,
  mt1,
  mt2,
  writeFiles,
} from './audit-fixtures.js';
import { caughtAsync, randomBytes } from './helpers.js';
import { MIB, referenceTreeHashHex } from './reference.js';

const root = mkdtempSync(join(tmpdir(), 'treehash-audit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const text = (s: string) => new TextEncoder().encode(s);
const big = randomBytes(9 * MIB + 12345, 7); // past hashFile's 8 MiB parallel threshold: the big-file lane
const multiLeaf = randomBytes(2 * MIB + 999, 11);
const changed = randomBytes(3000, 3);
const changedLocal = changed.slice();
changedLocal[1234]! ^= 0x01;
const truncated = randomBytes(5000, 5);

/** The vault: what was uploaded (name → content) and what is on disk now. */
const NAMES = {
  ok: 'ok.txt',
  care: 'dir with space/ünï "q", b.txt',
  backslash: 'back\\slash.txt',
  windows: 'win/path.txt',
  big: 'big/big.bin',
  multiLeaf: 'multi leaf.bin',
  changed: 'changed.bin',
  truncated: 'truncated.bin',
  mt1: 'mt1/ä.txt',
  cloud: 'cloud/c.txt',
  fg1: 'fg1/f.txt',
};
const CONTENT: Record<string, Uint8Array> = {
  [NAMES.ok]: text('hello'),
  [NAMES.care]: text('care'),
  [NAMES.backslash]: text('backslash'),
  [NAMES.windows]: text('windows'),
  [NAMES.big]: big,
  [NAMES.multiLeaf]: multiLeaf,
  [NAMES.changed]: changed,
  [NAMES.truncated]: truncated,
  [NAMES.mt1]: text('mt1'),
  [NAMES.cloud]: text('cloud'),
  [NAMES.fg1]: text('fg1'),
};
const date = (day: number) => `2013-02-${String(day).padStart(2, '0')}T12:00:00.000Z`;
const ARCHIVES: FixtureArchive[] = [
  archiveOf(archiveId('ok'), NAMES.ok, CONTENT[NAMES.ok]!, date(1)),
  archiveOf(archiveId('care'), mt2(NAMES.care), CONTENT[NAMES.care]!, date(2)),
  archiveOf(archiveId('bs'), NAMES.backslash, CONTENT[NAMES.backslash]!, date(3)),
  archiveOf(archiveId('win'), fastGlacier4('win\\path.txt'), CONTENT[NAMES.windows]!, date(4)),
  archiveOf(archiveId('big'), mt2(NAMES.big), big, '2013-02-05T12:00:00Z'),
  archiveOf(archiveId('multi'), NAMES.multiLeaf, multiLeaf, date(6)),
  archiveOf(archiveId('changed'), NAMES.changed, changed, date(7)),
  archiveOf(archiveId('trunc'), NAMES.truncated, truncated, date(8)),
  archiveOf(archiveId('mt1'), mt1(NAMES.mt1), CONTENT[NAMES.mt1]!, date(9)),
  archiveOf(archiveId('cloud'), cloudBerry('cloud\\c.txt'), CONTENT[NAMES.cloud]!, date(10)),
  archiveOf(archiveId('fg1'), `"${fastGlacier1(NAMES.fg1)}"`, CONTENT[NAMES.fg1]!, date(11)),
  archiveOf(archiveId('gone'), 'gone.txt', text('gone'), date(12)),
  // The same file uploaded again a day later, then once more under another name.
  archiveOf(archiveId('dup1'), NAMES.ok, CONTENT[NAMES.ok]!, date(13)),
  archiveOf(archiveId('dup2'), 'copy of ok.txt', CONTENT[NAMES.ok]!, date(14)),
];

const byNameDir = join(root, 'by-name');
beforeAll(() => {
  writeFiles(byNameDir, {
    ...CONTENT,
    [NAMES.changed]: changedLocal,
    [NAMES.truncated]: truncated.subarray(0, 4000),
    'extra.txt': 'not uploaded',
    'sub/extra, "2".txt': 'not uploaded either',
  });
});

interface Seen {
  status: string;
  path?: string;
  archiveId?: string;
  duplicateOf?: string;
  local?: string;
}
const seen = (results: AuditResult[]): Seen[] =>
  results
    .map(({ status, path, archiveId, duplicateOf, local }) => ({ status, path, archiveId, duplicateOf, local }) as Seen)
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as unknown as Seen)
    .sort((a, b) => `${a.status}|${a.path}|${a.archiveId}`.localeCompare(`${b.status}|${b.path}|${b.archiveId}`));

const EXPECTED_BY_NAME: Seen[] = seen([
  { status: 'ok', path: NAMES.ok, archiveId: archiveId('ok') },
  { status: 'ok', path: NAMES.care, archiveId: archiveId('care') },
  { status: 'ok', path: NAMES.backslash, archiveId: archiveId('bs') },
  { status: 'ok', path: NAMES.windows, archiveId: archiveId('win') },
  { status: 'ok', path: NAMES.big, archiveId: archiveId('big') },
  { status: 'ok', path: NAMES.multiLeaf, archiveId: archiveId('multi') },
  { status: 'treehash-mismatch', path: NAMES.changed, archiveId: archiveId('changed') },
  { status: 'size-mismatch', path: NAMES.truncated, archiveId: archiveId('trunc') },
  { status: 'ok', path: NAMES.mt1, archiveId: archiveId('mt1') },
  { status: 'ok', path: NAMES.cloud, archiveId: archiveId('cloud') },
  { status: 'ok', path: NAMES.fg1, archiveId: archiveId('fg1') },
  { status: 'missing', path: 'gone.txt', archiveId: archiveId('gone') },
  { status: 'duplicate', path: NAMES.ok, archiveId: archiveId('dup1'), duplicateOf: archiveId('ok'), local: 'ok' },
  { status: 'duplicate', path: 'copy of ok.txt', archiveId: archiveId('dup2'), duplicateOf: archiveId('ok'), local: 'missing' },
  { status: 'not-in-vault', path: 'extra.txt' },
  { status: 'not-in-vault', path: 'sub/extra, "2".txt' },
]);

describe('auditVault by name', () => {
  it('finds every status in a JSON inventory (a path, a stream of chunks, or archives already read)', async () => {
    const path = join(root, 'inventory.json');
    writeFiles(root, { 'inventory.json': inventoryJson(ARCHIVES) });
    expect(seen(await collect(auditVault(path, byNameDir)))).toEqual(EXPECTED_BY_NAME);
    expect(seen(await collect(auditVault(chunked(inventoryJson(ARCHIVES, true), 100), byNameDir)))).toEqual(EXPECTED_BY_NAME);
    const read = await collect((await readVault([inventoryJson(ARCHIVES)])).archives);
    expect(seen(await collect(auditVault(read, byNameDir)))).toEqual(EXPECTED_BY_NAME);
  });

  it('finds the same in a CSV inventory', async () => {
    writeFiles(root, { 'inventory.csv': inventoryCsv(ARCHIVES, { eol: '\r\n', finalNewline: false }) });
    expect(seen(await collect(auditVault(join(root, 'inventory.csv'), byNameDir)))).toEqual(EXPECTED_BY_NAME);
  });

  it("reports sizes and tree hashes: the archive's and the local file's", async () => {
    const results = await collect(auditVault(join(root, 'inventory.json'), byNameDir));
    const of = (status: string) => results.find((r) => r.status === status)!;
    expect(of('treehash-mismatch')).toMatchObject({
      size: 3000,
      localSize: 3000,
      treeHash: referenceTreeHashHex(changed),
      localTreeHash: referenceTreeHashHex(changedLocal),
    });
    expect(of('size-mismatch')).toMatchObject({ size: 5000, localSize: 4000, treeHash: referenceTreeHashHex(truncated) });
    expect(of('size-mismatch')).not.toHaveProperty('localTreeHash'); // decided without hashing
    const bigResult = results.find((r) => r.path === NAMES.big)!;
    expect(bigResult).toMatchObject({ status: 'ok', size: big.length, localTreeHash: referenceTreeHashHex(big), creationDate: '2013-02-05T12:00:00Z' });
  });

  it('streams what needs no hashing first, and hashes each file once (pluggable hasher, bounded concurrency)', async () => {
    const calls: string[] = [];
    let running = 0;
    let most = 0;
    const hasher: AuditFileHasher = async (path, options) => {
      calls.push(path);
      running++;
      most = Math.max(most, running);
      try {
        const { size, treeHash } = await hashFile(path, { linear: false, ...options });
        return { size, treeHash: Buffer.from(treeHash).toString('hex').toUpperCase() };
      } finally {
        running--;
      }
    };
    const results = await collect(auditVault(join(root, 'inventory.json'), byNameDir, { hashFile: hasher, concurrency: 2 }));
    expect(seen(results)).toEqual(EXPECTED_BY_NAME);
    const statuses = results.map((r) => r.status);
    const firstHashed = statuses.findIndex((s) => s === 'ok' || s === 'treehash-mismatch');
    expect(statuses.slice(firstHashed).every((s) => s === 'ok' || s === 'treehash-mismatch' || s === 'duplicate')).toBe(true);
    expect(statuses.slice(0, firstHashed).sort()).toEqual(['duplicate', 'missing', 'not-in-vault', 'not-in-vault', 'size-mismatch']);
    // ok.txt serves two archives but is read once; the truncated file is never read.
    expect(calls.length).toBe(10);
    expect(new Set(calls).size).toBe(10);
    expect(calls.some((c) => c.endsWith(NAMES.truncated))).toBe(false);
    expect(most).toBeLessThanOrEqual(3); // two small files beside the big one
    expect(most).toBeGreaterThan(1);
  });

  it('reports progress over the bytes to hash, ending at the total', async () => {
    const reports: { bytes: number; total: number | undefined }[] = [];
    let announced = 0;
    await collect(
      auditVault(join(root, 'inventory.json'), byNameDir, {
        onProgress: (p) => reports.push({ ...p }),
        onInventory: (info) => (announced = info.bytesToHash),
      }),
    );
    const hashed = Object.entries(CONTENT)
      .filter(([name]) => name !== NAMES.truncated)
      .reduce((n, [, c]) => n + c.length, 0);
    expect(announced).toBe(hashed);
    expect(reports.at(-1)).toEqual({ bytes: hashed, total: hashed });
    expect(reports.every((r) => r.total === hashed)).toBe(true);
    for (let i = 1; i < reports.length; i++) expect(reports[i]!.bytes).toBeGreaterThanOrEqual(reports[i - 1]!.bytes);
    expect(reports.length).toBeGreaterThan(5); // the 9 MiB file reports as it goes
  });

  it('reports a file it cannot read as unreadable, and goes on', async () => {
    const dir = join(root, 'unreadable');
    writeFiles(dir, { 'a.txt': 'hello', 'b.txt': 'world' });
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    const archives = [archiveOf('a', 'a.txt', 'hello'), archiveOf('b', 'b.txt', 'world')];
    const hasher: AuditFileHasher = (path, options) => {
      if (path.endsWith('b.txt')) return Promise.reject(new TreeHashError('ERR_READ_FAILED', 'cannot read b.txt: EIO'));
      return hashFile(path, { linear: false, ...options });
    };
    const results = seen(await collect(auditVault([inventoryJson(archives)], dir, { hashFile: hasher })));
    expect(results).toEqual([
      { status: 'ok', path: 'a.txt', archiveId: 'a' },
      { status: 'unreadable', path: 'b.txt' },
      { status: 'unreadable', path: 'dangling' },
    ]);
  });

  it('stops on abort with ERR_ABORTED, and on a hasher error with that error', async () => {
    const controller = new AbortController();
    const error = await caughtAsync(async () => {
      for await (const _ of auditVault(join(root, 'inventory.json'), byNameDir, { signal: controller.signal, onProgress: () => controller.abort() })) void _;
    });
    expect(error.code).toBe('ERR_ABORTED');
    const boom = new Error('boom');
    await expect(collect(auditVault(join(root, 'inventory.json'), byNameDir, { hashFile: () => Promise.reject(boom) }))).rejects.toBe(boom);
  });

  it('refuses bad options, a malformed inventory, an unreadable inventory or directory', async () => {
    const inventory = join(root, 'inventory.json');
    for (const options of [{ by: 'size' }, { concurrency: 0 }, { concurrency: 1.5 }, { hashFile: 'x' }, { onProgress: 5 }]) {
      expect((await caughtAsync(() => collect(auditVault(inventory, byNameDir, options as never)))).code).toBe('ERR_INVALID_OPTION');
    }
    expect((await caughtAsync(() => collect(auditVault(['{"ArchiveList":[{]}'], byNameDir)))).code).toBe('ERR_INVALID_INVENTORY');
    expect((await caughtAsync(() => collect(auditVault(['B\t1\tWHAT\n'], byNameDir)))).code).toBe('ERR_INVALID_JOURNAL');
    const missing = await caughtAsync(() => collect(auditVault(join(root, 'no such inventory'), byNameDir)));
    expect(missing.code).toBe('ERR_READ_FAILED');
    expect((missing.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect((await caughtAsync(() => collect(auditVault(inventory, join(root, 'no such dir'))))).code).toBe('ERR_READ_FAILED');
    const twice = [archiveOf('same', 'a', 'x'), archiveOf('same', 'b', 'y')];
    const error = await caughtAsync(() => collect(auditVault([inventoryJson(twice)], byNameDir)));
    expect(error.code).toBe('ERR_INVALID_INVENTORY');
    expect(error.message).toMatch(/archive "same" is listed twice \(byte \d+ and byte \d+\)/);
  });
});

describe('auditVault with an mt-aws-glacier journal', () => {
  it('replays deleted and re-uploaded entries before matching', async () => {
    const dir = join(root, 'journal');
    const v1 = text('version one');
    const v2 = text('version two, longer');
    writeFiles(dir, { 'doc.txt': v2, 'kept name.txt': 'kept', 'restored/ä.txt': 'back again', 'extra.txt': 'x' });
    const line = (version: string, time: number, id: string, content: Uint8Array | string, name: string) =>
      `${version}\t${time}\tCREATED\t${id}\t${typeof content === 'string' ? content.length : content.length}\tNONE\t${referenceTreeHashHex(typeof content === 'string' ? text(content) : content)}\t${name}`;
    const journal = [
      line('B', 100, 'id-v1', v1, 'doc.txt'),
      line('B', 110, 'id-kept', 'kept', 'kept name.txt'),
      line('B', 120, 'id-restored-1', 'back again', 'restored/ä.txt'),
      'B\t130\tDELETED\tid-restored-1\trestored/ä.txt',
      'B\t140\tRETRIEVE_JOB\tid-kept\tjob-1',
      line('B', 150, 'id-v2', v2, 'doc.txt'), // the re-upload: the latest CREATED for the name wins
      line('B', 160, 'id-restored-2', 'back again', 'restored/ä.txt'),
      line('B', 170, 'id-deleted', 'deleted', 'deleted.txt'),
      'B\t180\tDELETED\tid-deleted\tdeleted.txt',
      `190 CREATED id-legacy 6 ${referenceTreeHashHex(text('legacy'))} legacy.txt`,
    ].join('\n');
    expect(seen(await collect(auditVault([`${journal}\n`], dir)))).toEqual(
      seen([
        { status: 'ok', path: 'doc.txt', archiveId: 'id-v2' },
        { status: 'ok', path: 'kept name.txt', archiveId: 'id-kept' },
        { status: 'ok', path: 'restored/ä.txt', archiveId: 'id-restored-2' },
        { status: 'missing', path: 'legacy.txt', archiveId: 'id-legacy' },
        { status: 'not-in-vault', path: 'extra.txt' },
      ]),
    );
  });
});

describe('auditVault by content', () => {
  it('matches on size and tree hash alone, for descriptions that name nothing', async () => {
    const dir = join(root, 'by-content');
    const other = randomBytes(4321, 9);
    writeFiles(dir, {
      'renamed/hello.txt': 'hello',
      'also hello.txt': 'hello',
      'multi.bin': multiLeaf,
      'same size, other bytes.bin': randomBytes(4321, 10),
      'odd size.txt': 'no archive has this size',
    });
    const archives = [
      archiveOf('A-hello', '', 'hello', date(2)),
      archiveOf('A-multi', 'backup 2013', multiLeaf, date(3)),
      archiveOf('A-other', '', other, date(4)),
      archiveOf('A-hello-again', 'again', 'hello', date(5)),
      archiveOf('A-hello-first', '', 'hello', '2013-02-01T23:59:59Z'),
    ];
    const calls: string[] = [];
    const hasher: AuditFileHasher = (path, options) => {
      calls.push(path);
      return hashFile(path, { linear: false, ...options });
    };
    const results = await collect(auditVault([inventoryCsv(archives)], dir, { by: 'content', hashFile: hasher }));
    expect(seen(results)).toEqual(
      seen([
        { status: 'ok', path: 'renamed/hello.txt', archiveId: 'A-hello-first' },
        { status: 'ok', path: 'also hello.txt', archiveId: 'A-hello-first' },
        { status: 'ok', path: 'multi.bin', archiveId: 'A-multi' },
        { status: 'missing', archiveId: 'A-other' },
        { status: 'duplicate', path: 'also hello.txt', archiveId: 'A-hello', duplicateOf: 'A-hello-first' },
        { status: 'duplicate', path: 'also hello.txt', archiveId: 'A-hello-again', duplicateOf: 'A-hello-first' },
        { status: 'not-in-vault', path: 'same size, other bytes.bin' },
        { status: 'not-in-vault', path: 'odd size.txt' },
      ]),
    );
    // A file of a size no archive has is not read.
    expect(calls.some((c) => c.endsWith('odd size.txt'))).toBe(false);
    expect(calls.length).toBe(4);
  });
});

describe('the default hasher', () => {
  it('hashes files at every leaf boundary right, on the pool (hashFiles) with those past the 8 MiB threshold', async () => {
    const dir = join(root, 'sizes');
    const sizes = [0, 1, MIB - 1, MIB, MIB + 1, 3 * MIB + 5, 8 * MIB - 1, 8 * MIB, 8 * MIB + 1];
    // Past 16 files hashFiles hands them to the pool's workers.
    const many = Array.from({ length: 24 }, (_, i) => [`many/m${i}.bin`, randomBytes(1000 + i * 3000, 200 + i)] as const);
    const files = Object.fromEntries([...sizes.map((size, i) => [`s${size}.bin`, randomBytes(size, 100 + i)] as const), ...many]);
    writeFiles(dir, files);
    const archives = Object.entries(files).map(([name, bytes]) => archiveOf(`id-${name}`, name, bytes));
    const results = await collect(auditVault([inventoryJson(archives)], dir));
    expect(seen(results)).toEqual(seen(archives.map((a) => ({ status: 'ok', path: a.ArchiveDescription, archiveId: a.ArchiveId }))));
    for (const result of results) expect(result.localTreeHash).toBe(referenceTreeHashHex(files[result.path!]!));
  });
});

describe('VaultMatcher and findDuplicates (no I/O)', () => {
  const archive = (id: string, name: string, size: number, treeHash: string, creationTime: number, line: number): VaultArchive => ({
    archiveId: id,
    name,
    size,
    treeHash,
    creationTime,
    creationDate: new Date(creationTime).toISOString(),
    line,
  });
  const h1 = '11'.repeat(32);
  const h2 = '22'.repeat(32);

  it('the earliest CreationDate is the original; on a tie, the first listed', () => {
    const later = archive('later', 'a', 1, h1, 2000, 1);
    const earlier = archive('earlier', 'b', 1, h1, 1000, 2);
    const tie = archive('tie', 'c', 1, h1, 1000, 3);
    const other = archive('other', 'd', 1, h2, 0, 4);
    const sameHashOtherSize = archive('bigger', 'e', 2, h1, 0, 5);
    const duplicates = findDuplicates([later, earlier, tie, other, sameHashOtherSize]);
    expect([...duplicates].map(([a, o]) => [a.archiveId, o.archiveId])).toEqual([
      ['later', 'earlier'],
      ['tie', 'earlier'],
    ]);
  });

  it('matches names through backslashes, a leading ./ and Unicode normalisation, preferring the exact name', () => {
    const nfd = 'e\u0301.txt';
    const nfc = '\u00e9.txt';
    const matcher = new VaultMatcher(
      [archive('x', nfc, 3, h1, 0, 1), archive('y', 'a/b.txt', 3, h2, 0, 2)],
      [
        { path: nfd, size: 3 },
        { path: 'a\\b.txt', size: 3 },
        { path: 'a/b.txt', size: 3 },
      ],
      'name',
    );
    expect(matcher.toHash().map((f) => f.path)).toEqual([nfd, 'a/b.txt']);
    expect([...matcher.immediate()]).toEqual([{ status: 'not-in-vault', path: 'a\\b.txt', localSize: 3 }]);
    expect(matcher.hashed(matcher.toHash()[0]!, 3, h1)).toMatchObject([{ status: 'ok', path: nfd, archiveId: 'x' }]);
  });
});
