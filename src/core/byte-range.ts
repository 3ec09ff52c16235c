/**
 * Byte ranges: the one type (`end` inclusive), its checks, and the text forms Glacier writes them in
 * (HTTP `Range`, `RetrievalByteRange`, ListParts' `RangeInBytes`, `Content-Range`). Shared by
 * upload (part ranges) and retrieval (job and download ranges); no tree math here.
 */
import { TreeHashError, describeValue } from './errors.js';
import { MAX_ARCHIVE_SIZE } from './constants.js';

/**
 * A byte range. **`end` is inclusive**, as in HTTP `Range`/`Content-Range` and Glacier's
 * `RetrievalByteRange`: `{ start: 0, end: 1048575 }` is the first MiB.
 */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

// ---------------------------------------------------------------------------------------------
// Input checks (one place for the messages)

/**
 * Checks that `size` is a payload size this module can reason about: a whole number of bytes
 * from 1 to 2^53 − 1. Glacier stores no empty archives, so no range of one can be asked about.
 * @throws {TreeHashError} `ERR_INVALID_SIZE` otherwise.
 * @example assertPayloadSize(6_815_744, 'archiveSize')
 */
export function assertPayloadSize(size: unknown, name = 'size'): asserts size is number {
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1) {
    throw new TreeHashError('ERR_INVALID_SIZE', `${name} must be a whole number of bytes from 1 to ${Number.MAX_SAFE_INTEGER}, got ${describeValue(size)}`);
  }
}

/**
 * Checks an archive's size as the retrieval functions take it: a payload size ({@link assertPayloadSize})
 * of at most {@link MAX_ARCHIVE_SIZE} bytes, the largest archive Glacier stores (as planParts).
 * @throws {TreeHashError} `ERR_INVALID_SIZE`; `ERR_ARCHIVE_TOO_LARGE` above 42,949,672,960,000 bytes.
 */
export function assertArchiveSize(size: unknown, name = 'archiveSize'): asserts size is number {
  assertPayloadSize(size, name);
  if (size > MAX_ARCHIVE_SIZE) {
    throw new TreeHashError('ERR_ARCHIVE_TOO_LARGE', `${name}: an archive can be at most 10,000 parts × 4 GiB = ${MAX_ARCHIVE_SIZE} bytes; got ${size}`);
  }
}

/**
 * Checks that `range` is an object with whole-number `start` and `end` (`end` inclusive). Bounds
 * against a payload are *not* checked here: the predicates answer `false` for those, with a reason.
 * @throws {TreeHashError} `ERR_INVALID_RANGE` otherwise.
 * @example assertByteRange({ start: 0, end: 1048575 })
 */
export function assertByteRange(range: unknown, name = 'range'): asserts range is ByteRange {
  if (typeof range !== 'object' || range === null) {
    throw new TreeHashError('ERR_INVALID_RANGE', `${name} must be an object { start, end } (end inclusive), got ${describeValue(range)}`);
  }
  const { start, end } = range as { start?: unknown; end?: unknown };
  for (const [key, value] of [
    ['start', start],
    ['end', end],
  ] as const) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw new TreeHashError('ERR_INVALID_RANGE', `${name}.${key} must be a whole number of bytes (a safe integer), got ${describeValue(value)}`);
    }
  }
}

// RFC 9110: the range unit is case-insensitive ("Bytes=0-9" is the same request); digits only, no
// signs or exponents. One reader for every form, so Range, RetrievalByteRange and Content-Range agree.
const RANGE_FORMS = [
  { form: 'http', pattern: /^bytes=(\d+)-(\d+)$/i }, // HTTP Range request header (GetJobOutput)
  { form: 'plain', pattern: /^(\d+)-(\d+)$/ }, // RetrievalByteRange, ListParts RangeInBytes
  { form: 'content-range', pattern: /^bytes\s+(\d+)-(\d+)\/(\*|\d+)$/i }, // Content-Range (UploadMultipartPart, GetJobOutput)
] as const;

/** @internal A range read from text, with the form it was written in and a Content-Range's total. */
export interface ParsedRangeText extends ByteRange {
  readonly form: (typeof RANGE_FORMS)[number]['form'];
  readonly total?: number;
}

/**
 * @internal Reads any of Glacier's range forms; `fail` builds the caller's error from the reason,
 * so that {@link parseRange} and `parseContentRange` share the rules and keep their own codes.
 */
export function readRangeText(text: unknown, fail: (why: string) => never): ParsedRangeText {
  if (typeof text !== 'string') return fail('a range must be given as a string');
  const trimmed = text.trim();
  for (const { form, pattern } of RANGE_FORMS) {
    const match = pattern.exec(trimmed);
    if (match === null) continue;
    const number = (digits: string): number => {
      const value = Number(digits);
      if (!Number.isSafeInteger(value)) fail(`${digits} is beyond the largest supported byte offset (${Number.MAX_SAFE_INTEGER})`);
      return value;
    };
    const start = number(match[1]!);
    const end = number(match[2]!);
    if (start > end) fail(`start ${start} is after end ${end} (the end is inclusive)`);
    if (match[3] === undefined || match[3] === '*') return { form, start, end };
    const total = number(match[3]);
    if (end >= total) fail(`end ${end} is not inside the total size ${total}`);
    return { form, start, end, total };
  }
  // The forms are the caller's to list: parseContentRange takes one of them only.
  return fail('not a byte range of two whole numbers');
}

/**
 * Parses the range forms Glacier uses into `{ start, end }`: `bytes=0-1048575` (GetJobOutput's
 * `Range`), `0-1048575` (`RetrievalByteRange`, ListParts' `RangeInBytes`) and `bytes 0-1048575/*`
 * or `bytes 0-1048575/8388608` (`Content-Range`; a numeric total must lie beyond the end). The unit
 * `bytes` is case-insensitive. Only single, fully specified ranges: suffix (`bytes=-500`), open
 * (`bytes=100-`) and multi-range forms are refused, because Glacier's ranges always give both ends.
 * @throws {TreeHashError} `ERR_INVALID_RANGE` for any other text, start > end, or a number beyond 2^53 − 1.
 * @example parseRange('bytes=0-1048575') // { start: 0, end: 1048575 }
 */
export function parseRange(text: string): ByteRange {
  const { start, end } = readRangeText(text, (why) => {
    throw new TreeHashError(
      'ERR_INVALID_RANGE',
      `invalid range: ${why}; expected "START-END", "bytes=START-END" or "bytes START-END/TOTAL" (END inclusive, TOTAL may be *), ` +
        `got ${describeValue(text)}`,
    );
  });
  return { start, end };
}

/**
 * The `RetrievalByteRange` text of a range: `"START-END"` (InitiateJob wants no `bytes=` prefix).
 * @throws {TreeHashError} `ERR_INVALID_RANGE` for a malformed range or start > end.
 * @example formatRetrievalRange({ start: 0, end: 1048575 }) // '0-1048575'
 */
export function formatRetrievalRange(range: ByteRange): string {
  assertOrderedRange(range);
  return `${range.start}-${range.end}`;
}

/**
 * The HTTP `Range` header value of a range, as GetJobOutput takes it: `"bytes=START-END"`.
 * @throws {TreeHashError} `ERR_INVALID_RANGE` for a malformed range or start > end.
 * @example formatHttpRange({ start: 0, end: 1048575 }) // 'bytes=0-1048575'
 */
export function formatHttpRange(range: ByteRange): string {
  return `bytes=${formatRetrievalRange(range)}`;
}

/**
 * Checks that `range` is a well-formed range on its own: whole numbers with 0 ≤ start ≤ end (end
 * inclusive). Bounds against a payload are the predicates' business.
 * @throws {TreeHashError} `ERR_INVALID_RANGE` otherwise.
 * @example assertOrderedRange({ start: 0, end: 1048575 }, 'options.range')
 */
export function assertOrderedRange(range: unknown, name = 'range'): asserts range is ByteRange {
  assertByteRange(range, name);
  if (range.start < 0 || range.start > range.end) {
    throw new TreeHashError('ERR_INVALID_RANGE', `${name} needs 0 ≤ start ≤ end (end inclusive), got start ${range.start} and end ${range.end}`);
  }
}
