// The CSV inventory of an inventory-retrieval job. Glacier writes a dialect no CSV library reads
// right: a field with a comma or a quote is double-quoted and an inner quote is written `\"`, but
// a backslash is not escaped, so `"C:\dir\"` is the description `C:\dir\` (csv-parse 7.0.3 with
// `escape: '\\'` reports "Quote Not Closed" there, and turns `"a\b"` into `ab`). A description
// never spans lines (Glacier allows printable ASCII only), so each line is split on its own, into
// exactly as many fields as the header names: a quoted field ends at a quote followed by a comma
// (or the end of the line), trying the farthest first, and holds no quote that is not after a
// backslash; a field without quotes holds no quote. The field count settles the rest.
import { TreeHashError } from '../core/errors.js';
import { decodeDescription } from './description.js';
import { recordLines, shown, sizeOfDigits, timeOfIsoDate, treeHashOf } from './text.js';
import type { TextSource, VaultArchive } from './types.js';

const WHAT = 'the CSV inventory';
const COLUMNS = ['ArchiveId', 'ArchiveDescription', 'CreationDate', 'Size', 'SHA256TreeHash'] as const;

function fail(line: number, message: string): TreeHashError {
  return new TreeHashError('ERR_INVALID_INVENTORY', `${WHAT}: line ${line}: ${message}`);
}

/** The first quote at or after `from` that does not follow a backslash (a quoted field ends there at the latest); -1 if none. */
function bareQuote(line: string, from: number): number {
  let q = line.indexOf('"', from);
  while (q >= 0 && line.charCodeAt(q - 1) === 0x5c) q = line.indexOf('"', q + 1);
  return q;
}

/**
 * Splits one line of a Glacier CSV inventory into exactly `count` fields (see the file comment),
 * unquoting them (`\"` becomes `"`; other backslashes stay); undefined when it cannot.
 * @example splitInventoryCsvLine('a,"C:\\dir\\",b', 3) // ['a', 'C:\\dir\\', 'b']
 */
export function splitInventoryCsvLine(line: string, count: number): string[] | undefined {
  const fields: string[] = new Array<string>(count);
  const length = line.length;
  const failed = new Set<number>(); // field * (length + 1) + position: no split from there
  const split = (field: number, pos: number): boolean => {
    const key = field * (length + 1) + pos;
    if (failed.has(key)) return false;
    const last = field === count - 1;
    if (line.charCodeAt(pos) === 0x22) {
      // Candidate closing quotes, farthest first, none past the first quote without a backslash.
      const bare = bareQuote(line, pos + 1);
      const limit = bare < 0 ? length : bare;
      let close = last ? (line.endsWith('"') && length - 1 <= limit ? length - 1 : -1) : line.lastIndexOf('",', limit);
      while (close > pos) {
        fields[field] = line.slice(pos + 1, close).replace(/\\"/g, '"');
        if (last || split(field + 1, close + 2)) return true;
        close = last ? -1 : line.lastIndexOf('",', close - 1);
      }
    } else {
      const comma = line.indexOf(',', pos);
      const end = comma < 0 ? length : comma;
      if (last === comma < 0) {
        const value = line.slice(pos, end);
        if (!value.includes('"')) {
          fields[field] = value;
          if (last || split(field + 1, end + 1)) return true;
        }
      }
    }
    failed.add(key);
    return false;
  };
  return split(0, 0) ? fields : undefined;
}

/** The header's column names: split on commas, surrounding quotes dropped. */
function headerColumns(line: string): string[] {
  return line.split(',').map((name) => name.trim().replace(/^"(.*)"$/, '$1'));
}

/**
 * Reads a CSV vault inventory from a stream of text, yielding each archive as its line is read.
 * The header row names the columns ArchiveId, ArchiveDescription, CreationDate, Size and
 * SHA256TreeHash, in any order, extra columns allowed; LF or CRLF; the last line may lack a newline;
 * blank lines at the end are ignored.
 * @throws {TreeHashError} `ERR_INVALID_INVENTORY` naming the line and what was wrong: a missing or
 * repeated column, a line that does not split into the header's number of fields, an empty line,
 * an empty ArchiveId, a CreationDate that is not ISO 8601, a Size that is not a whole number, a
 * SHA256TreeHash that is not 64 hex digits. `ERR_INVALID_INPUT` for a source that is not text.
 * @example for await (const archive of readInventoryCsv(createReadStream('inventory.csv'))) console.log(archive.name);
 */
export async function* readInventoryCsv(source: TextSource): AsyncGenerator<VaultArchive, void, undefined> {
  let columns: number[] | undefined;
  let count = 0;
  let header: string[] = [];
  for await (const { text, number } of recordLines(source, WHAT, 'ERR_INVALID_INVENTORY')) {
    if (columns === undefined) {
      header = headerColumns(text);
      count = header.length;
      columns = COLUMNS.map((name) => {
        const at = header.indexOf(name);
        if (at < 0)
          throw fail(number, `the header has no ${name} column (it names ${header.map((h) => JSON.stringify(h)).join(', ')}; needed: ${COLUMNS.join(', ')})`);
        if (header.indexOf(name, at + 1) >= 0) throw fail(number, `the header names ${name} twice`);
        return at;
      });
      continue;
    }
    if (text.trim() === '') throw fail(number, 'the line is empty');
    const fields = splitInventoryCsvLine(text, count);
    if (fields === undefined) {
      throw fail(
        number,
        `does not split into the header's ${count} fields (a field holding a comma or a quote must be in double quotes, an inner quote written \\"): ${shown(text)}`,
      );
    }
    const [archiveId, description, creationDate, sizeText, hashText] = columns.map((at) => fields[at]!) as [string, string, string, string, string];
    if (archiveId === '') throw fail(number, 'ArchiveId is empty');
    const creationTime = timeOfIsoDate(creationDate);
    if (creationTime === undefined)
      throw fail(number, `CreationDate must be an ISO 8601 date-time such as 2012-05-15T17:19:46.700Z, got ${shown(creationDate)}`);
    const size = sizeOfDigits(sizeText);
    if (size === undefined) throw fail(number, `Size must be a whole number of bytes, got ${shown(sizeText)}`);
    const treeHash = treeHashOf(hashText);
    if (treeHash === undefined) throw fail(number, `SHA256TreeHash must be 64 hex digits, got ${shown(hashText)}`);
    const { name, format } = decodeDescription(description);
    yield { archiveId, size, treeHash, creationDate, creationTime, description, name, nameFormat: format, line: number };
  }
  if (columns === undefined) throw fail(1, 'the inventory is empty: no header row');
}
