// The JSON inventory of an inventory-retrieval job, read as a stream: a vault of millions of
// archives is hundreds of MB of JSON, so it is never held as one string. A small scanner walks the
// fixed shape {"VaultARN", "InventoryDate", "ArchiveList": [{…}, …]} byte by byte, finds where
// each value ends (strings, escapes, nesting) and hands each archive's object, a few hundred bytes,
// to JSON.parse. Memory stays at one input chunk plus one archive entry.
import { TreeHashError } from '../core/errors.js';
import { byteChunks, shown, sizeOfDigits, timeOfIsoDate, treeHashOf } from './text.js';
import { decodeDescription } from './description.js';
import type { InventoryInfo, TextSource, VaultArchive } from './types.js';

const WHAT = 'the JSON inventory';
const utf8 = new TextDecoder('utf-8', { fatal: true });

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function fail(message: string, offset: number, cause?: unknown): TreeHashError {
  return new TreeHashError('ERR_INVALID_INVENTORY', `${WHAT}: ${message} (at byte ${offset})`, cause === undefined ? undefined : { cause });
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** A byte cursor over a stream of chunks, keeping only what the value being scanned still needs. */
class Cursor {
  buf: Uint8Array = new Uint8Array(0);
  pos = 0;
  /** Stream offset of buf[0]. */
  base = 0;
  readonly #chunks: AsyncIterator<Uint8Array>;
  #ended = false;

  constructor(source: TextSource) {
    this.#chunks = byteChunks(source, WHAT)[Symbol.asyncIterator]();
  }

  get offset(): number {
    return this.base + this.pos;
  }

  /** Appends the next chunk, dropping the bytes before `keep` (an index into buf). False at the end of the stream. */
  async more(keep: number = this.pos): Promise<boolean> {
    if (this.#ended) return false;
    const next = await this.#chunks.next();
    if (next.done) {
      this.#ended = true;
      return false;
    }
    const rest = this.buf.length - keep;
    if (rest === 0) {
      this.buf = next.value;
    } else {
      const joined = new Uint8Array(rest + next.value.length);
      joined.set(this.buf.subarray(keep), 0);
      joined.set(next.value, rest);
      this.buf = joined;
    }
    this.base += keep;
    this.pos -= keep;
    return true;
  }

  /** Reads until `count` bytes are at hand after the cursor, or the stream ends. */
  async ensure(count: number): Promise<void> {
    while (this.buf.length - this.pos < count && (await this.more())) {}
  }

  /** The next byte that is not white space, left in place; -1 at the end of the stream. */
  async peek(): Promise<number> {
    for (;;) {
      while (this.pos < this.buf.length) {
        const c = this.buf[this.pos]!;
        if (!isSpace(c)) return c;
        this.pos++;
      }
      if (!(await this.more())) return -1;
    }
  }

  /** Consumes `byte` (after white space) or fails naming what was expected. */
  async expect(byte: number, what: string): Promise<void> {
    const c = await this.peek();
    if (c !== byte) throw fail(`expected ${what}, found ${c < 0 ? 'the end of the input' : JSON.stringify(String.fromCharCode(c))}`, this.offset);
    this.pos++;
  }

  /**
   * Scans one JSON value starting at the cursor (after white space) and returns its text with its
   * stream offset; the cursor moves past it. The value's well-formedness is JSON.parse's to check.
   */
  async value(): Promise<{ text: string; offset: number }> {
    const first = await this.peek();
    if (first < 0) throw fail('the input ends where a value was expected', this.offset);
    let start = this.pos;
    let i = start;
    let depth = 0;
    let inString = false;
    const scalar = first !== OPEN_BRACE && first !== OPEN_BRACKET && first !== QUOTE;
    for (;;) {
      const buf = this.buf;
      const n = buf.length;
      let end = -1;
      if (scalar) {
        while (i < n && !isSpace(buf[i]!) && buf[i] !== COMMA && buf[i] !== CLOSE_BRACE && buf[i] !== CLOSE_BRACKET) i++;
        if (i < n) end = i;
      } else {
        while (i < n) {
          if (inString) {
            // Most bytes are inside strings: jump to the next quote (memchr), and past it when an
            // odd number of backslashes escapes it (they are in buf: it holds the whole value).
            const quote = closingQuote(buf, i);
            if (quote < 0) {
              i = n;
              break;
            }
            inString = false;
            i = quote + 1;
            if (depth === 0) {
              end = i;
              break;
            }
            continue;
          }
          const c = buf[i++]!;
          if (c === QUOTE) inString = true;
          else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
          else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
            if (--depth === 0) {
              end = i;
              break;
            }
          }
        }
      }
      if (end >= 0) {
        const offset = this.base + start;
        this.pos = end;
        return { text: this.#decode(buf.subarray(start, end), offset), offset };
      }
      const startOffset = this.base + start;
      const scanned = i - start;
      if (!(await this.more(start))) {
        if (scalar) {
          this.pos = this.buf.length;
          return { text: this.#decode(this.buf, startOffset), offset: startOffset };
        }
        throw fail(`the input ends inside the value that starts at byte ${startOffset}`, this.base + this.buf.length);
      }
      start = 0; // buf now starts at the value
      i = scanned;
    }
  }

  #decode(bytes: Uint8Array, offset: number): string {
    try {
      return utf8.decode(bytes);
    } catch (cause) {
      throw fail('the value here is not valid UTF-8', offset, cause);
    }
  }
}

/** The first quote at or after `from` that no backslash escapes; -1 when buf has none. */
function closingQuote(buf: Uint8Array, from: number): number {
  for (let quote = buf.indexOf(QUOTE, from); quote >= 0; quote = buf.indexOf(QUOTE, quote + 1)) {
    let k = quote - 1;
    while (buf[k] === BACKSLASH) k--;
    if ((quote - 1 - k) % 2 === 0) return quote;
  }
  return -1;
}

const utf8Encoder = new TextEncoder();

/** JSON.parse of one value that starts at byte `offset`; an error names the byte where JSON.parse stopped, when it says. */
function parse(text: string, offset: number, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    const position = /position (\d+)/.exec((cause as Error).message);
    const at = position === null ? offset : offset + utf8Encoder.encode(text.slice(0, Number(position[1]))).length;
    const from = at === offset ? '' : ` (it starts at byte ${offset})`;
    throw fail(`${what}${from} is not valid JSON: ${(cause as Error).message}`, at, cause);
  }
}

/** Checks one ArchiveList entry and turns it into a {@link VaultArchive}. */
function archiveOf(entry: unknown, index: number, offset: number): VaultArchive {
  const where = `ArchiveList[${index}]`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw fail(`${where} is not an object`, offset);
  const e = entry as Record<string, unknown>;
  const { ArchiveId: archiveId, ArchiveDescription: rawDescription, CreationDate: creationDate, Size: size, SHA256TreeHash: hash } = e;
  if (typeof archiveId !== 'string' || archiveId === '')
    throw fail(`${where}.ArchiveId must be a non-empty string, got ${JSON.stringify(archiveId) ?? 'nothing'}`, offset);
  if (typeof rawDescription !== 'string' && rawDescription !== null) {
    throw fail(`${where}.ArchiveDescription must be a string, got ${JSON.stringify(rawDescription) ?? 'nothing'}`, offset);
  }
  const creationTime = timeOfIsoDate(creationDate);
  if (creationTime === undefined) {
    throw fail(
      `${where}.CreationDate must be an ISO 8601 date-time such as "2012-05-15T17:19:46.700Z", got ${JSON.stringify(creationDate) ?? 'nothing'}`,
      offset,
    );
  }
  // Glacier writes a number; a string of digits says the same.
  const bytes = typeof size === 'string' ? sizeOfDigits(size) : size;
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) {
    throw fail(`${where}.Size must be a non-negative integer, got ${JSON.stringify(size) ?? 'nothing'}`, offset);
  }
  const treeHash = treeHashOf(hash);
  if (treeHash === undefined)
    throw fail(`${where}.SHA256TreeHash must be 64 hex digits, got ${typeof hash === 'string' ? shown(hash) : (JSON.stringify(hash) ?? 'nothing')}`, offset);
  const description = rawDescription ?? '';
  const { name, format } = decodeDescription(description);
  return { archiveId, size: bytes, treeHash, creationDate: creationDate as string, creationTime, description, name, nameFormat: format, offset };
}

/**
 * Reads a JSON vault inventory (the output of an inventory-retrieval job) from a stream of text,
 * yielding each archive as its entry is read; the generator's return value holds `VaultARN` and
 * `InventoryDate`. Members may come in any order; unknown members are allowed and skipped.
 * @throws {TreeHashError} `ERR_INVALID_INVENTORY` naming the byte offset and what was wrong:
 * malformed or truncated JSON, no `ArchiveList`, an entry without a well-formed `ArchiveId`,
 * `CreationDate` (ISO 8601, with or without milliseconds), `Size` or `SHA256TreeHash`.
 * `ERR_INVALID_INPUT` for a source that is not text.
 * @example for await (const archive of readInventoryJson(createReadStream('inventory.json'))) console.log(archive.name);
 */
export async function* readInventoryJson(source: TextSource): AsyncGenerator<VaultArchive, InventoryInfo, undefined> {
  const cursor = new Cursor(source);
  const info: InventoryInfo = {};
  let sawList = false;
  // A byte order mark may start the file.
  await cursor.ensure(3);
  if (cursor.buf[0] === 0xef && cursor.buf[1] === 0xbb && cursor.buf[2] === 0xbf) cursor.pos = 3;
  await cursor.expect(OPEN_BRACE, 'the "{" that opens the inventory');
  if ((await cursor.peek()) === CLOSE_BRACE) cursor.pos++;
  else {
    for (;;) {
      const key = await cursor.value();
      if (!key.text.startsWith('"')) throw fail(`expected a member name in quotes, found ${shown(key.text)}`, key.offset);
      const name = parse(key.text, key.offset, 'a member name') as string;
      await cursor.expect(COLON, `":" after ${JSON.stringify(name)}`);
      if (name === 'ArchiveList') {
        if (sawList) throw fail('a second "ArchiveList"', key.offset);
        sawList = true;
        await cursor.expect(OPEN_BRACKET, 'the "[" that opens ArchiveList');
        let index = 0;
        if ((await cursor.peek()) === CLOSE_BRACKET) cursor.pos++;
        else {
          for (;;) {
            const entry = await cursor.value();
            yield archiveOf(parse(entry.text, entry.offset, `ArchiveList[${index}]`), index, entry.offset);
            index++;
            const c = await cursor.peek();
            cursor.pos++;
            if (c === CLOSE_BRACKET) break;
            if (c !== COMMA)
              throw fail(
                `expected "," or "]" after ArchiveList[${index - 1}], found ${c < 0 ? 'the end of the input' : JSON.stringify(String.fromCharCode(c))}`,
                cursor.offset - 1,
              );
          }
        }
      } else {
        const value = await cursor.value();
        const parsed = parse(value.text, value.offset, `the value of ${JSON.stringify(name)}`);
        if (name === 'VaultARN' && typeof parsed === 'string') info.vaultArn = parsed;
        if (name === 'InventoryDate' && typeof parsed === 'string') info.inventoryDate = parsed;
      }
      const c = await cursor.peek();
      cursor.pos++;
      if (c === CLOSE_BRACE) break;
      if (c !== COMMA)
        throw fail(
          `expected "," or "}" after the member ${JSON.stringify(name)}, found ${c < 0 ? 'the end of the input' : JSON.stringify(String.fromCharCode(c))}`,
          cursor.offset - 1,
        );
    }
  }
  const after = await cursor.peek();
  if (after >= 0) throw fail(`unexpected ${JSON.stringify(String.fromCharCode(after))} after the end of the inventory`, cursor.offset);
  if (!sawList) throw fail('no "ArchiveList" member in the inventory', cursor.offset);
  return info;
}
