// The vault readers of src/audit/: JSON and CSV inventories, mt-aws-glacier journals, archive
// descriptions and format detection; every malformed input fails with its own code and says where.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readInventoryCsv, splitInventoryCsvLine } from '../src/audit/csv.js';
import { decodeDescription } from '../src/audit/description.js';
import { detectVaultFormat, readVault } from '../src/audit/detect.js';
import { parseJournalLine, readJournal } from '../src/audit/journal.js';
import { readInventoryJson } from '../src/audit/json.js';
import type { VaultArchive } from '../src/audit/types.js';
import {
  archiveId,
  archiveOf,
  chunked,
  cloudBerry,
  collect,
  fastGlacier1,
  fastGlacier4,
  glacierCsvField,
  inventoryCsv,
  inventoryJson,
  mt1,
  mt2,
} from './audit-fixtures.js';
import { caughtAsync } from './helpers.js';
import { referenceTreeHashHex } from './reference.js';

const H = 'ab'.repeat(32);
const pick = (a: VaultArchive) => ({ archiveId: a.archiveId, name: a.name, size: a.size, treeHash: a.treeHash, creationDate: a.creationDate });

async function jsonError(text: string): Promise<string> {
  const error = await caughtAsync(() => collect(readInventoryJson([text])));
  expect(error.code).toBe('ERR_INVALID_INVENTORY');
  return error.message;
}

describe('JSON inventory', () => {
  const archives = [
    archiveOf(archiveId('a'), 'photos/ä b,"c".jpg', 'one', '2012-05-15T17:19:46.700Z'),
    archiveOf(archiveId('b'), 'C:\\backup\\x.txt', 'two', '2012-05-15T17:19:46Z'),
    archiveOf(archiveId('c'), '', 'three', '2012-05-15T17:19:46.123456Z'),
  ];

  it('reads every archive and the header, whatever the chunking (split multi-byte characters too)', async () => {
    const text = inventoryJson(archives, true);
    const expected = [
      {
        archiveId: archiveId('a'),
        name: 'photos/ä b,"c".jpg',
        size: 3,
        treeHash: referenceTreeHashHex(new TextEncoder().encode('one')),
        creationDate: '2012-05-15T17:19:46.700Z',
      },
      {
        archiveId: archiveId('b'),
        name: 'C:/backup/x.txt',
        size: 3,
        treeHash: referenceTreeHashHex(new TextEncoder().encode('two')),
        creationDate: '2012-05-15T17:19:46Z',
      },
      {
        archiveId: archiveId('c'),
        name: '',
        size: 5,
        treeHash: referenceTreeHashHex(new TextEncoder().encode('three')),
        creationDate: '2012-05-15T17:19:46.123456Z',
      },
    ];
    for (const size of [1, 2, 3, 7, 64, 100_000]) {
      const reader = readInventoryJson(chunked(text, size));
      const got: VaultArchive[] = [];
      let next = await reader.next();
      while (!next.done) {
        got.push(next.value);
        next = await reader.next();
      }
      expect(got.map(pick)).toEqual(expected);
      expect(next.value).toEqual({ vaultArn: 'arn:aws:glacier:us-east-1:012345678901:vaults/test', inventoryDate: '2024-01-01T00:00:00Z' });
    }
  });

  it('orders by milliseconds: dates with and without them are both read', async () => {
    const [a, b, c] = await collect(readInventoryJson([inventoryJson(archives)]));
    expect(b!.creationTime).toBe(Date.UTC(2012, 4, 15, 17, 19, 46));
    expect(a!.creationTime).toBe(b!.creationTime + 700);
    expect(c!.creationTime).toBe(b!.creationTime + 123);
  });

  it('reads other ISO 8601 forms: an offset, no zone (UTC), a space for the T, a long fraction', async () => {
    const dates = ['2012-05-15T19:19:46+02:00', '2012-05-15T17:19:46', '2012-05-15 17:19:46.5', '2012-05-15T17:19:46.123456789Z', '2012-05-15T12:19:46-0500'];
    const got = await collect(
      readInventoryJson([JSON.stringify({ ArchiveList: dates.map((d, i) => ({ ...archives[0], ArchiveId: `d${i}`, CreationDate: d })) })]),
    );
    const base = Date.UTC(2012, 4, 15, 17, 19, 46);
    expect(got.map((a) => a.creationTime - base)).toEqual([0, 0, 500, 123, 0]);
    expect(got.map((a) => a.creationDate)).toEqual(dates);
  });

  it('takes members in any order, unknown members, a BOM, strings as chunks, an empty list', async () => {
    const entry = JSON.stringify(archives[0]);
    const text = `\uFEFF { "Extra": {"nested": [1, {"x": "]}"}]}, "ArchiveList" : [ ${entry} ] , "VaultARN": "v", "n": -1.5e3, "t": true }  \n`;
    const got = await collect(readInventoryJson([text]));
    expect(got.map((a) => a.archiveId)).toEqual([archiveId('a')]);
    expect(await collect(readInventoryJson(['{"ArchiveList":[]}']))).toEqual([]);
    const escaped = JSON.stringify({ ArchiveList: [{ ...archives[0], ArchiveDescription: 'q\\"}]\\\\' }] });
    expect((await collect(readInventoryJson(chunked(escaped, 5))))[0]!.name).toBe('q/"}]//');
  });

  it('reads a null ArchiveDescription as empty, an upper-case tree hash in lower case, a Size of digits in quotes', async () => {
    const text = JSON.stringify({ ArchiveList: [{ ...archives[0], ArchiveDescription: null, SHA256TreeHash: H.toUpperCase(), Size: '1234' }] });
    const [a] = await collect(readInventoryJson([text]));
    expect(a!.name).toBe('');
    expect(a!.treeHash).toBe(H);
    expect(a!.size).toBe(1234);
  });

  it('refuses malformed JSON, naming the byte offset', async () => {
    expect(await jsonError('')).toMatch(/expected the "\{" that opens the inventory, found the end of the input \(at byte 0\)/);
    expect(await jsonError('[1]')).toMatch(/at byte 0/);
    expect(await jsonError('{"ArchiveList":[{"ArchiveId":')).toMatch(/the input ends inside the value that starts at byte 16/);
    expect(await jsonError('{"ArchiveList":[{"a":1,}]}')).toMatch(/ArchiveList\[0\].* is not valid JSON.*\(at byte (16|23)\)/);
    expect(await jsonError('{"ArchiveList":[{"ä":1,}]}')).toMatch(/ArchiveList\[0\].* is not valid JSON.*\(at byte (16|24)\)/);
    expect(await jsonError('{"ArchiveList":[] "x":1}')).toMatch(/expected "," or "\}" after the member "ArchiveList", found "\\"" \(at byte 18\)/);
    const entry = JSON.stringify(archives[0]);
    expect(await jsonError(`{"ArchiveList":[${entry}${entry}]}`)).toMatch(/expected "," or "]" after ArchiveList\[0\], found "\{"/);
    expect(await jsonError('{"ArchiveList":[]} x')).toMatch(/unexpected "x" after the end of the inventory \(at byte 19\)/);
    expect(await jsonError('{"VaultARN":"v"}')).toMatch(/no "ArchiveList"/);
    expect(await jsonError('{"ArchiveList":[],"ArchiveList":[]}')).toMatch(/a second "ArchiveList"/);
    expect(await jsonError('{ArchiveList:[]}')).toMatch(/expected a member name in quotes/);
    expect(await jsonError('{"ArchiveList":[1]}')).toMatch(/ArchiveList\[0\] is not an object/);
    const badUtf8 = new Uint8Array([...new TextEncoder().encode('{"ArchiveList":[{"ArchiveId":"'), 0xff, ...new TextEncoder().encode('"}]}')]);
    expect((await caughtAsync(() => collect(readInventoryJson([badUtf8])))).message).toMatch(/not valid UTF-8 \(at byte 16\)/);
  });

  it('refuses an entry whose ArchiveId, CreationDate, Size or SHA256TreeHash is not well formed', async () => {
    const good = archives[0]!;
    const one = (patch: Record<string, unknown>) => JSON.stringify({ ArchiveList: [good, { ...good, ArchiveId: 'second', ...patch }] });
    expect(await jsonError(one({ ArchiveId: '' }))).toMatch(/ArchiveList\[1\]\.ArchiveId must be a non-empty string/);
    expect(await jsonError(one({ ArchiveId: 7 }))).toMatch(/ArchiveId/);
    expect(await jsonError(one({ ArchiveDescription: 5 }))).toMatch(/ArchiveDescription must be a string/);
    for (const date of ['2012-05-15', '2012-05-15T17:19', '2012-13-45T17:19:46Z', '2013-02-30T00:00:00Z', '2012-05-15T24:00:01Z', 'yesterday', 1337]) {
      expect(await jsonError(one({ CreationDate: date }))).toMatch(/ArchiveList\[1\]\.CreationDate must be an ISO 8601 date-time/);
    }
    for (const size of [-1, 1.5, '-12', '1e3', '', null, 2 ** 53])
      expect(await jsonError(one({ Size: size }))).toMatch(/ArchiveList\[1\]\.Size must be a non-negative integer/);
    for (const hash of ['ab', `${H}0`, 'zz'.repeat(32), null])
      expect(await jsonError(one({ SHA256TreeHash: hash }))).toMatch(/ArchiveList\[1\]\.SHA256TreeHash must be 64 hex digits/);
    const missing = JSON.stringify({ ArchiveList: [{ ArchiveId: 'x', ArchiveDescription: '', CreationDate: good.CreationDate, Size: 1 }] });
    expect(await jsonError(missing)).toMatch(/SHA256TreeHash must be 64 hex digits, got nothing/);
    // The offset is the entry's: the second entry starts after the first.
    const message = await jsonError(one({ Size: -1 }));
    expect(message).toContain(`(at byte ${Buffer.byteLength(`{"ArchiveList":[${JSON.stringify(good)},`)})`);
  });
});

describe('CSV inventory', () => {
  const tricky = ['plain.txt', 'with, comma.txt', 'say "hi".txt', 'C:\\dir\\', 'ends with quote"', 'a\\"b', '\\', '"', ',', '\\",\\"', '', 'ünïcødé/日本.txt'];
  const archives = tricky.map((d, i) => archiveOf(archiveId(`c${i}`), d, `content ${i}`, `2013-01-0${1 + (i % 9)}T00:00:00Z`));

  it('splits Glacier-quoted lines: \\" is a quote, a backslash before the closing quote stays a backslash', () => {
    expect(splitInventoryCsvLine('a,"C:\\dir\\",b', 3)).toEqual(['a', 'C:\\dir\\', 'b']);
    expect(splitInventoryCsvLine('a,"say \\"hi\\", ok",b', 3)).toEqual(['a', 'say "hi", ok', 'b']);
    expect(splitInventoryCsvLine('"x\\"', 1)).toEqual(['x\\']);
    expect(splitInventoryCsvLine('a,"b\\",c"', 2)).toEqual(['a', 'b",c']);
    expect(splitInventoryCsvLine('a,"b\\",c', 2)).toBeUndefined();
    expect(splitInventoryCsvLine('a,"b\\",c', 3)).toEqual(['a', 'b\\', 'c']);
    expect(splitInventoryCsvLine('a,b\\c,', 3)).toEqual(['a', 'b\\c', '']);
    expect(splitInventoryCsvLine('a,b', 3)).toBeUndefined();
    expect(splitInventoryCsvLine('a,b,c,d', 3)).toBeUndefined();
    expect(splitInventoryCsvLine('a,b"c,d', 3)).toBeUndefined(); // a quote outside quotes
    expect(splitInventoryCsvLine('a,"b"c",d', 3)).toBeUndefined(); // a quote inside without its backslash
    expect(splitInventoryCsvLine('a,"b,d', 2)).toBeUndefined(); // never closed
  });

  it('reads every description back as written (fast-check: arbitrary printable ASCII, quoted or not)', async () => {
    const printable = fc.string({ unit: fc.constantFrom(...' !"#$%&\'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~'), maxLength: 20 });
    await fc.assert(
      fc.asyncProperty(fc.array(printable, { minLength: 1, maxLength: 6 }), fc.boolean(), async (descriptions, quoteAll) => {
        const list = descriptions.map((d, i) => archiveOf(`id${i}`, d, `x${i}`));
        const got = await collect(readInventoryCsv([inventoryCsv(list, { quoteAll })]));
        expect(got.map((a) => a.description)).toEqual(descriptions);
      }),
      { numRuns: 300 },
    );
  });

  it('reads names that need care, with LF or CRLF, with or without a final newline, in chunks of any size', async () => {
    for (const eol of ['\n', '\r\n']) {
      for (const finalNewline of [true, false]) {
        const text = inventoryCsv(archives, { eol, finalNewline });
        for (const size of [1, 5, 1000]) {
          const got = await collect(readInventoryCsv(chunked(text, size)));
          expect(got.map((a) => a.description)).toEqual(tricky);
          expect(got.map((a) => a.treeHash)).toEqual(archives.map((a) => a.SHA256TreeHash));
          expect(got.map((a) => a.line)).toEqual(tricky.map((_, i) => i + 2));
        }
      }
    }
  });

  it('takes the columns in any order, extra columns and a quoted header', async () => {
    const columns = ['SHA256TreeHash', 'Extra,Col', 'Size', 'ArchiveDescription', 'CreationDate', 'ArchiveId'];
    const text = inventoryCsv(archives, { columns }).replace('Extra,Col', 'Extra').replace(/^/, '');
    const header = `"SHA256TreeHash","Extra","Size","ArchiveDescription","CreationDate","ArchiveId"`;
    const body = text
      .split('\n')
      .slice(1)
      .join('\n')
      .replace(/extra-Extra,Col/g, 'whatever');
    const got = await collect(readInventoryCsv([`${header}\n${body}`]));
    expect(got.map((a) => [a.archiveId, a.description, a.size])).toEqual(archives.map((a) => [a.ArchiveId, a.ArchiveDescription, a.Size]));
  });

  it('decodes the names in descriptions', async () => {
    const list = [archiveOf('m', mt2('dir/ä.txt'), 'x'), archiveOf('f', fastGlacier4('win\\path.txt'), 'y')];
    const got = await collect(readInventoryCsv([inventoryCsv(list)]));
    expect(got.map((a) => [a.name, a.nameFormat])).toEqual([
      ['dir/ä.txt', 'mt2'],
      ['win/path.txt', 'fastglacier'],
    ]);
  });

  async function csvError(text: string): Promise<string> {
    const error = await caughtAsync(() => collect(readInventoryCsv([text])));
    expect(error.code).toBe('ERR_INVALID_INVENTORY');
    return error.message;
  }

  it('refuses malformed CSV, naming the line', async () => {
    const header = 'ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash';
    const row = (fields: Partial<Record<string, string>>) =>
      [fields.id ?? 'id', fields.d ?? 'desc', fields.date ?? '2013-01-01T00:00:00Z', fields.size ?? '5', fields.hash ?? H].join(',');
    expect(await csvError('')).toMatch(/line 1: the inventory is empty/);
    expect(await csvError('ArchiveId,ArchiveDescription,CreationDate,Size\n')).toMatch(/line 1: the header has no SHA256TreeHash column/);
    expect(await csvError(`${header},Size\n`)).toMatch(/line 1: the header names Size twice/);
    expect(await csvError(`${header}\n${row({})}\n${row({})},extra\n`)).toMatch(/line 3: does not split into the header's 5 fields/);
    expect(await csvError(`${header}\nid,desc,2013-01-01T00:00:00Z,5\n`)).toMatch(/line 2: does not split/);
    expect(await csvError(`${header}\n${row({ d: 'say "hi"' })}\n`)).toMatch(/line 2: does not split/);
    expect(await csvError(`${header}\n${row({ d: '"never closed' })}\n`)).toMatch(/line 2: does not split/);
    expect(await csvError(`${header}\n${row({})}\n\n${row({})}\n`)).toMatch(/line 3: the line is empty/);
    expect(await csvError(`${header}\n${row({})}\n \r\n${row({})}\n`)).toMatch(/line 3: the line is empty/);
    expect(await collect(readInventoryCsv([`${header}\n${row({})}\n\n\r\n \n`]))).toHaveLength(1); // blank lines at the end
    expect(await csvError(`${header}\n${row({ id: '' })}\n`)).toMatch(/line 2: ArchiveId is empty/);
    expect(await csvError(`${header}\n${row({ date: '2013-01-01' })}\n`)).toMatch(/line 2: CreationDate must be an ISO 8601 date-time/);
    for (const size of ['-5', '1.5', 'five', '', '99999999999999999'])
      expect(await csvError(`${header}\n${row({ size })}\n`)).toMatch(/line 2: Size must be a whole number/);
    for (const hash of ['abc', 'g'.repeat(64), ''])
      expect(await csvError(`${header}\n${row({ hash })}\n`)).toMatch(/line 2: SHA256TreeHash must be 64 hex digits/);
    const badUtf8 = new Uint8Array([...new TextEncoder().encode(`${header}\n${row({})}\nid,`), 0xc3, 0x28]);
    expect((await caughtAsync(() => collect(readInventoryCsv([badUtf8])))).message).toMatch(/line 3 is not valid UTF-8/);
  });

  it('quotes only what Glacier quotes', () => {
    expect(glacierCsvField('a\\b')).toBe('a\\b');
    expect(glacierCsvField('a"b')).toBe('"a\\"b"');
  });
});

describe('mt-aws-glacier journal', () => {
  const h = (n: number) => referenceTreeHashHex(new TextEncoder().encode(`v${n}`));

  it('parses every record of versions A, B, C and 0', () => {
    expect(parseJournalLine(`B\t1355666755\tCREATED\tid1\t2\t1355566755\t${h(1)}\tdir/a b.txt`, 1)).toEqual({
      type: 'CREATED',
      version: 'B',
      line: 1,
      time: 1355666755,
      archiveId: 'id1',
      size: 2,
      mtime: 1355566755,
      treeHash: h(1),
      name: 'dir/a b.txt',
    });
    expect(parseJournalLine(`C\t5\tCREATED\tid1\t2\tNONE\t${H.toUpperCase()}\tx`, 2)).toMatchObject({ version: 'C', treeHash: H, name: 'x' });
    expect(parseJournalLine(`C\t5\tCREATED\tid1\t2\tNONE\t${H}\tx`, 2)).not.toHaveProperty('mtime');
    expect(parseJournalLine(`A\t5\tCREATED\tid1\t2\t-86400\t${H}\tx`, 2)).toMatchObject({ version: 'A', mtime: -86400 });
    expect(parseJournalLine('B\t6\tDELETED\tid1\tdir/a b.txt', 3)).toEqual({
      type: 'DELETED',
      version: 'B',
      line: 3,
      time: 6,
      archiveId: 'id1',
      name: 'dir/a b.txt',
    });
    expect(parseJournalLine('B\t7\tRETRIEVE_JOB\tid1\tjob9', 4)).toEqual({
      type: 'RETRIEVE_JOB',
      version: 'B',
      line: 4,
      time: 7,
      archiveId: 'id1',
      jobId: 'job9',
    });
    expect(parseJournalLine(`1355666755 CREATED id0 12 ${H} old name.txt`, 5)).toEqual({
      type: 'CREATED',
      version: '0',
      line: 5,
      time: 1355666755,
      archiveId: 'id0',
      size: 12,
      treeHash: H,
      name: 'old name.txt',
    });
    expect(parseJournalLine('1355666755  DELETED  id0  old name.txt', 6)).toMatchObject({ type: 'DELETED', version: '0', archiveId: 'id0' });
    expect(parseJournalLine('1355666755 RETRIEVE_JOB id0', 7)).toMatchObject({ type: 'RETRIEVE_JOB', version: '0', archiveId: 'id0' });
  });

  it('refuses a line that is not a known record, naming it', async () => {
    const cases: [string, RegExp][] = [
      [`\nB\t4\tRETRIEVE_JOB\tok1\tjob`, /line 4: not a journal record/],
      [`  \nB\t4\tRETRIEVE_JOB\tok1\tjob`, /line 4: not a journal record/],
      ['hello', /line 4: not a journal record/],
      [`B\t5\tCREATED\tid\t2\tNONE\t${H}`, /line 4: a broken record/],
      [`B\t5\tCREATED\tid\tx\tNONE\t${H}\tname`, /line 4: a broken record/],
      [`B\tnow\tCREATED\tid\t2\tNONE\t${H}\tname`, /line 4: a broken record/],
      [`A\t5\tCREATED\tid\t2\tNONE\t${H}\tname`, /line 4: a version A record must have an mtime/],
      [`D\t5\tCREATED\tid\t2\tNONE\t${H}\tname`, /line 4: a record of journal version D, newer than this reader knows/],
      [`B\t5\tCREATED\tid\t2\tNONE\tabc\tname`, /line 4: the tree hash "abc" is not 64 hex digits/],
      [`B\t5\tCREATED\tid\t99999999999999999999\tNONE\t${H}\tname`, /line 4: the size "99999999999999999999" is too large/],
      [`B\t99999999999999\tCREATED\tid\t2\tNONE\t${H}\tname`, /line 4: the time "99999999999999" is too large/],
      [`B\t5\tCREATED\tid\t2\tNONE\t${H}\t/abs`, /line 4: "\/abs" is not a relative file name/],
      [`B\t5\tCREATED\tid\t2\tNONE\t${H}\ta/../b`, /line 4: "a\/..\/b" is not a relative file name/],
      [`B\t5\tCREATED\tid\t2\tNONE\t${H}\ta//b`, /not a relative file name/],
      [`B\t5\tCREATED\tid\t2\tNONE\t${H}\t`, /a broken record|not a relative file name/],
      [`5 CREATED id 2 ${H.slice(1)} name`, /line 4: the tree hash/],
      ['5 CREATED id', /line 4: a broken record/],
    ];
    const prefix = `B\t1\tCREATED\tok1\t2\tNONE\t${H}\tok\nB\t2\tRETRIEVE_JOB\tok1\tjob`;
    for (const [line, message] of cases) {
      const text = `${prefix}\nB\t3\tDELETED\tok1\tok\n${line}\n`;
      const error = await caughtAsync(() => collect(readJournal([text])));
      expect(error.code).toBe('ERR_INVALID_JOURNAL');
      expect(error.message).toMatch(message);
    }
  });

  it('replays: DELETED removes the archive, the latest CREATED for a name wins, names keep their order', async () => {
    const text = [
      `B\t100\tCREATED\tid1\t2\t90\t${h(1)}\tkept.txt`,
      `B\t110\tCREATED\tid2\t2\t95\t${h(2)}\tdeleted.txt`,
      `B\t120\tCREATED\tid3\t2\t96\t${h(3)}\treuploaded.txt`,
      `B\t130\tDELETED\tid2\tdeleted.txt`,
      `B\t140\tRETRIEVE_JOB\tid1\tjob`,
      `B\t150\tCREATED\tid4\t2\t97\t${h(4)}\treuploaded.txt`,
      `A\t160\tCREATED\tid5\t2\t98\t${h(5)}\tdeleted then back.txt`,
      `C\t170\tDELETED\tid5\tdeleted then back.txt`,
      `C\t180\tCREATED\tid6\t2\tNONE\t${h(6)}\tdeleted then back.txt`,
      `200 CREATED id7 2 ${h(7)} legacy.txt`,
      `150 CREATED id8 2 ${h(8)} kept.txt`, // a later time than id1's 100: id8 wins
      `90 CREATED id9 2 ${h(9)} legacy.txt`, // earlier time than id7: id7 stays
    ].join('\r\n');
    const got = await collect(readJournal(chunked(text, 7)));
    expect(got.map((a) => [a.archiveId, a.name])).toEqual([
      ['id4', 'reuploaded.txt'],
      ['id6', 'deleted then back.txt'],
      ['id7', 'legacy.txt'],
      ['id8', 'kept.txt'],
    ]);
    expect(got[0]).toMatchObject({ size: 2, treeHash: h(4), creationDate: '1970-01-01T00:02:30Z', creationTime: 150_000, line: 6 });
  });

  it('on a tie of times the later line wins; backslashes in names become /', async () => {
    const text = `B\t5\tCREATED\tfirst\t2\tNONE\t${H}\tx\\y\nB\t5\tCREATED\tsecond\t2\tNONE\t${H}\tx/y\n`;
    expect((await collect(readJournal([text]))).map((a) => [a.archiveId, a.name])).toEqual([['second', 'x/y']]);
  });

  it('ignores blank lines at the very end only', async () => {
    const text = `B\t1\tCREATED\tid\t2\tNONE\t${H}\ta\n\n \r\n\n`;
    expect((await collect(readJournal([text]))).map((a) => a.archiveId)).toEqual(['id']);
  });

  it('refuses an archive created twice, or a DELETED of an archive never created', async () => {
    const twice = `B\t1\tCREATED\tid\t2\tNONE\t${H}\ta\nB\t2\tCREATED\tid\t2\tNONE\t${H}\tb\n`;
    expect((await caughtAsync(() => collect(readJournal([twice])))).message).toMatch(/line 2: archive "id" was already created on line 1/);
    const orphan = `B\t1\tCREATED\tid\t2\tNONE\t${H}\ta\nB\t2\tDELETED\tother\ta\n`;
    const error = await caughtAsync(() => collect(readJournal([orphan])));
    expect(error.code).toBe('ERR_INVALID_JOURNAL');
    expect(error.message).toMatch(/line 2: deletes archive "other", which no earlier line created/);
  });
});

describe('archive descriptions', () => {
  const names = ['plain.txt', 'dir/sub dir/ä,"q".txt', '日本/ファイル.jpg', 'emoji 😀.txt'];

  it('decodes mt-aws-glacier mt2 and mt1, FastGlacier v4 and v1, CloudBerry', () => {
    for (const name of names) {
      expect(decodeDescription(mt2(name))).toEqual({ name, format: 'mt2' });
      expect(decodeDescription(mt1(name))).toEqual({ name, format: 'mt1' });
      expect(decodeDescription(fastGlacier4(name))).toEqual({ name, format: 'fastglacier' });
      expect(decodeDescription(fastGlacier1(name))).toEqual({ name, format: 'fastglacier-v1' });
      expect(decodeDescription(`"${fastGlacier1(name)}"`)).toEqual({ name, format: 'fastglacier-v1' });
      expect(decodeDescription(`  '${fastGlacier1(name)}'  `)).toEqual({ name, format: 'fastglacier-v1' });
      expect(decodeDescription(cloudBerry(name))).toEqual({ name, format: 'cloudberry' });
      expect(decodeDescription(cloudBerry(name, 'path'))).toEqual({ name, format: 'cloudberry' });
    }
  });

  it('a known example: mt-aws-glacier\'s own description of "a/b.txt"', () => {
    expect(decodeDescription('mt2 eyJmaWxlbmFtZSI6ImEvYi50eHQiLCJtdGltZSI6IjIwMTMwMTAxVDAwMDAwMFoifQ')).toEqual({ name: 'a/b.txt', format: 'mt2' });
  });

  it('turns backslashes into / and drops a leading / or ./ in every form', () => {
    expect(decodeDescription('C:\\Users\\me\\a.txt').name).toBe('C:/Users/me/a.txt');
    expect(decodeDescription(fastGlacier4('photos\\2012\\a.jpg')).name).toBe('photos/2012/a.jpg');
    expect(decodeDescription(cloudBerry('\\share\\b.txt')).name).toBe('share/b.txt');
    expect(decodeDescription(mt2('./x/y')).name).toBe('x/y');
  });

  it('keeps anything else, or a form that does not decode, as the description itself', () => {
    for (const text of ['my backup 2013', 'mt2 !!!notbase64', 'mt2 eyJ4IjoxfQ', 'mt3 eyJ4IjoxfQ', '<m><p>%%%</p></m>', '{"Other":"x"}', '{not json', '']) {
      expect(decodeDescription(text)).toEqual({ name: text.replace(/\\/g, '/'), format: 'plain' });
    }
  });
});

describe('format detection', () => {
  it('tells JSON, CSV and journals apart from the first line', () => {
    expect(detectVaultFormat('{"VaultARN":')).toBe('inventory-json');
    expect(detectVaultFormat('  {')).toBe('inventory-json');
    expect(detectVaultFormat('ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash')).toBe('inventory-csv');
    expect(detectVaultFormat('"Size","ArchiveId"')).toBe('inventory-csv');
    expect(detectVaultFormat('B\t1\tCREATED\t…')).toBe('journal');
    expect(detectVaultFormat('1355666755 CREATED id 1 h n')).toBe('journal');
    expect(detectVaultFormat('hello')).toBeUndefined();
  });

  it('reads each format through readVault, in chunks', async () => {
    const list = [archiveOf('a', 'x.txt', 'x')];
    for (const [text, format] of [
      [`\uFEFF${inventoryJson(list)}`, 'inventory-json'],
      [`\n\n  ${inventoryJson(list, true)}`, 'inventory-json'],
      [inventoryCsv(list), 'inventory-csv'],
      [`B\t1\tCREATED\ta\t1\tNONE\t${list[0]!.SHA256TreeHash}\tx.txt\n`, 'journal'],
    ] as const) {
      const vault = await readVault(chunked(text, 3));
      expect(vault.format).toBe(format);
      expect((await collect(vault.archives)).map((a) => [a.archiveId, a.name])).toEqual([['a', 'x.txt']]);
    }
  });

  it('reads a Web ReadableStream of bytes or strings', async () => {
    const list = [archiveOf('a', 'x.txt', 'x')];
    for (const chunks of [chunked(inventoryCsv(list), 4), [inventoryJson(list)]]) {
      const stream = new ReadableStream<string | Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk);
          controller.close();
        },
      });
      expect((await collect((await readVault(stream)).archives)).map((a) => a.name)).toEqual(['x.txt']);
    }
  });

  it('refuses an empty stream or one of no known format', async () => {
    for (const [text, message] of [
      ['', /the inventory is empty/],
      [' \n\n ', /the inventory is empty/],
      ['hello,world\n', /not a vault inventory or journal.*"hello,world"/],
    ] as const) {
      const error = await caughtAsync(() => readVault([text]));
      expect(error.code).toBe('ERR_INVALID_INVENTORY');
      expect(error.message).toMatch(message);
    }
    expect((await caughtAsync(() => readVault([42 as unknown as string]))).code).toBe('ERR_INVALID_INPUT');
    expect((await caughtAsync(() => readVault('text' as unknown as string[]))).code).toBe('ERR_INVALID_INPUT');
  });
});
