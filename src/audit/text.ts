// The input side of the vault readers: a stream of text (strings or UTF-8 bytes) as byte chunks
// or as lines, and the checks every format shares (sizes, tree hashes, dates, names).
import { TreeHashError, describeValue } from '../core/errors.js';
import { assertIterable, isReadableStream, readerChunks } from '../stream/sources.js';
import type { TextSource } from './types.js';

const utf8 = new TextEncoder();

/** The chunks of `source` as bytes (strings encoded as UTF-8). */
export async function* byteChunks(source: TextSource, what: string): AsyncGenerator<Uint8Array, void, undefined> {
  if (typeof source === 'string') throw new TreeHashError('ERR_INVALID_INPUT', `${what} must be a stream of text (chunks), not one string: pass [text]`);
  const chunks = isReadableStream(source) ? readerChunks(source) : source;
  assertIterable(chunks, `${what} must be an (async) iterable or a ReadableStream of strings or Uint8Arrays`);
  for await (const chunk of chunks as AsyncIterable<unknown>) {
    if (typeof chunk === 'string') yield utf8.encode(chunk);
    else if (chunk instanceof Uint8Array) yield chunk;
    else throw new TreeHashError('ERR_INVALID_INPUT', `each chunk of ${what} must be a string or a Uint8Array, got ${describeValue(chunk)}`);
  }
}

/** One line of a text stream, without its line ending (LF or CRLF). */
export interface TextLine {
  readonly text: string;
  /** 1-based. */
  readonly number: number;
}

/**
 * The lines of `source`: LF or CRLF endings, a byte order mark at the start dropped, the last line
 * with or without a newline (an empty last line after the final newline is not a line).
 * @throws {TreeHashError} `code` for bytes that are not UTF-8, naming the line.
 */
export async function* textLines(
  source: TextSource,
  what: string,
  code: 'ERR_INVALID_INVENTORY' | 'ERR_INVALID_JOURNAL',
): AsyncGenerator<TextLine, void, undefined> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending = '';
  let number = 0;
  const decode = (bytes: Uint8Array | undefined): string => {
    try {
      return bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true });
    } catch (cause) {
      // The line of the first bad byte: the lines so far, those still pending, those of the chunk before it.
      let line = number + 1 + (pending.match(/\n/g)?.length ?? 0);
      const bad = bytes === undefined ? 0 : firstInvalidUtf8(bytes);
      for (let i = 0; i < bad; i++) if (bytes![i] === 0x0a) line++;
      throw new TreeHashError(code, `${what}: line ${line} is not valid UTF-8`, { cause });
    }
  };
  for await (const chunk of byteChunks(source, what)) {
    pending += decode(chunk);
    let start = 0;
    for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n', start)) {
      const text = pending.charCodeAt(end - 1) === 13 && end > start ? pending.slice(start, end - 1) : pending.slice(start, end);
      start = end + 1;
      yield { text, number: ++number };
    }
    pending = pending.slice(start);
  }
  pending += decode(undefined);
  if (pending !== '') yield { text: pending.endsWith('\r') ? pending.slice(0, -1) : pending, number: ++number };
}

/**
 * The lines of {@link textLines} without the blank ones at the very end (an editor's or a
 * script's extra newlines); a blank line before a record is still passed on, for the reader to refuse.
 */
export async function* recordLines(
  source: TextSource,
  what: string,
  code: 'ERR_INVALID_INVENTORY' | 'ERR_INVALID_JOURNAL',
): AsyncGenerator<TextLine, void, undefined> {
  const blank: TextLine[] = [];
  for await (const line of textLines(source, what, code)) {
    if (line.text.trim() === '') {
      blank.push(line);
      continue;
    }
    yield* blank.splice(0);
    yield line;
  }
}

/** Index of the first byte that does not start or continue a well-formed UTF-8 sequence (bytes.length if none). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      if (i + k >= bytes.length) return i;
      if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    }
    i += length;
  }
  return bytes.length;
}

const TREE_HASH = /^[0-9a-fA-F]{64}$/;

/** The tree hash in lowercase, or undefined unless it is 64 hex digits. */
export function treeHashOf(value: unknown): string | undefined {
  return typeof value === 'string' && TREE_HASH.test(value) ? value.toLowerCase() : undefined;
}

/** A size given as decimal digits, or undefined unless it is a safe integer. */
export function sizeOfDigits(text: string): number | undefined {
  if (!/^[0-9]{1,16}$/.test(text)) return undefined;
  const size = Number(text);
  return Number.isSafeInteger(size) ? size : undefined;
}

// ISO 8601 as inventories write it: 2012-05-15T17:19:46.700Z, or without the fraction; also an
// offset instead of Z, no zone at all (read as UTC) and a space for the T (RFC 3339 allows it).
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):?(\d{2}))?$/i;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Milliseconds since the epoch of an ISO 8601 date-time with or without fractional seconds, or undefined (a day that does not exist too). */
export function timeOfIsoDate(value: unknown): number | undefined {
  const m = typeof value === 'string' ? ISO_DATE.exec(value) : null;
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = [+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!];
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 1 : 0;
  if (month < 1 || month > 12 || day < 1 || day > DAYS[month - 1]! + leap || hour > 23 || minute > 59 || second > 60) return undefined;
  // Milliseconds are all the order of duplicates needs.
  const millis = m[7] === undefined ? 0 : Math.floor(+m[7].slice(0, 3).padEnd(3, '0'));
  const offset = m[8] === undefined ? 0 : (m[8] === '-' ? -1 : 1) * (+m[9]! * 60 + +m[10]!) * 60_000;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset;
}

/**
 * A file name as the audit matches it: backslashes become `/`, and leading `/` and `./` go (the
 * archive stands for a file relative to the audited directory).
 * @example normalizeName('.\\photos\\2012\\a.jpg') // 'photos/2012/a.jpg'
 */
export function normalizeName(name: string): string {
  let out = name.replace(/\\/g, '/');
  for (;;) {
    if (out.startsWith('/')) out = out.slice(1);
    else if (out.startsWith('./')) out = out.slice(2);
    else return out;
  }
}

/** A value shown in a message: JSON-quoted and cut to 60 characters. */
export function shown(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}
