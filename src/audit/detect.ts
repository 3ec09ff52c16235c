// Which kind of vault listing a stream holds, told from its first line: a JSON inventory opens
// with "{", a journal line starts with a version letter and a TAB (or, version 0, a time and a
// record type), a CSV inventory's header names ArchiveId.
import { concatBytes } from '../core/bytes.js';
import { TreeHashError } from '../core/errors.js';
import { readInventoryCsv } from './csv.js';
import { readJournal } from './journal.js';
import { readInventoryJson } from './json.js';
import { byteChunks } from './text.js';
import type { TextSource, VaultArchive, VaultFormat } from './types.js';

const LOOK_AHEAD = 64 * 1024;
const latin1 = new TextDecoder('latin1');

/**
 * The format of a vault listing from its first line (BOM and leading white space skipped), or
 * undefined when it is none of them.
 * @example detectVaultFormat('ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash') // 'inventory-csv'
 */
export function detectVaultFormat(firstLine: string): VaultFormat | undefined {
  const text = firstLine.replace(/^\uFEFF/, '');
  if (/^\s*\{/.test(text)) return 'inventory-json';
  if (/^[A-Z]\t/.test(text) || /^[0-9]{1,20}\s+(?:CREATED|DELETED|RETRIEVE_JOB)\s/.test(text)) return 'journal';
  if (text.split(',').some((name) => name.trim().replace(/^"(.*)"$/, '$1') === 'ArchiveId')) return 'inventory-csv';
  return undefined;
}

/**
 * Reads a vault listing of any of the known formats, recognised from its content: a JSON or CSV
 * inventory, or an mt-aws-glacier journal (replayed: see readJournal). Resolves once the first
 * line is read; the archives then stream as the chosen reader yields them.
 * @throws {TreeHashError} `ERR_INVALID_INVENTORY` for an empty stream or one of no known format;
 * then the chosen reader's errors, as the archives are read.
 * @example const { format, archives } = await readVault(createReadStream(path)); for await (const a of archives) …
 */
export async function readVault(source: TextSource): Promise<{ format: VaultFormat; archives: AsyncGenerator<VaultArchive, unknown, undefined> }> {
  const iterator = byteChunks(source, 'the inventory')[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let ended = false;
  let firstLine: string;
  for (;;) {
    // Bytes read as Latin-1: the tests look at ASCII only.
    const text = latin1
      .decode(concatBytes(head))
      .replace(/^\xEF\xBB\xBF/, '')
      .trimStart();
    const newline = text.indexOf('\n');
    if (newline >= 0 || ended || headBytes >= LOOK_AHEAD) {
      firstLine = newline >= 0 ? text.slice(0, newline) : text;
      break;
    }
    const next = await iterator.next();
    if (next.done) ended = true;
    else {
      head.push(next.value);
      headBytes += next.value.length;
    }
  }
  if (firstLine === '') throw new TreeHashError('ERR_INVALID_INVENTORY', 'the inventory is empty');
  const format = detectVaultFormat(firstLine);
  if (format === undefined) {
    throw new TreeHashError(
      'ERR_INVALID_INVENTORY',
      `not a vault inventory or journal: the first line is neither JSON ("{"), a CSV header naming ArchiveId, nor an mt-aws-glacier journal record (${JSON.stringify(firstLine.slice(0, 60))})`,
    );
  }
  const replay = (async function* (): AsyncGenerator<Uint8Array, void, undefined> {
    yield* head;
    if (!ended) {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    }
  })();
  const archives = format === 'inventory-json' ? readInventoryJson(replay) : format === 'inventory-csv' ? readInventoryCsv(replay) : readJournal(replay);
  return { format, archives };
}
