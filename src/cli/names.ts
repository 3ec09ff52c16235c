// File names as the OS gives them: bytes, which need not be UTF-8 (`printf abc > $'bad\xff'`).
// Inside the CLI a name is a JS string in which UTF-8 stays text and each byte that is not part
// of valid UTF-8 is the lone surrogate U+DC80 + (byte − 0x80), as Python's "surrogateescape"
// does. That string round-trips to the very bytes: fs calls get a Buffer path (fsPath), stdout
// gets the bytes back (encodeName: names are printed as sha256sum prints them, byte for byte),
// JSON writes each such byte as "\udcXX", and messages quote it as GNU does ('bad'$'\377').
import { readFileSync } from 'node:fs';

/** A lone low surrogate standing for a byte (not the second half of a pair). */
const ESCAPED_BYTE = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/;

/** Whether `char` (one UTF-16 unit) stands for a raw byte; its value is `char.charCodeAt(0) - 0xdc00`. */
export function isEscapedByte(char: string): boolean {
  const code = char.charCodeAt(0);
  return char.length === 1 && code >= 0xdc80 && code <= 0xdcff;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Length of the valid UTF-8 sequence at `i`, or 0 (the byte is then escaped on its own). */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i]!;
  if (b < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => i + k < bytes.length && bytes[i + k]! >= lo && bytes[i + k]! <= hi;
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    // E0: no overlongs; ED: no surrogates.
    const [lo, hi] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const [lo, hi] = b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/**
 * A name's bytes as a CLI name: UTF-8 decoded, every other byte escaped as U+DC80…U+DCFF.
 * @example decodeName(Buffer.from([0x62, 0xff])) // 'b\udcff'
 */
export function decodeName(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    // Not UTF-8 throughout: decode sequence by sequence.
  }
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const length = sequenceLength(bytes, i);
    if (length === 0) {
      out += String.fromCharCode(0xdc00 + bytes[i]!);
      i++;
    } else {
      out += strictUtf8.decode(bytes.subarray(i, i + length));
      i += length;
    }
  }
  return out;
}

/**
 * The bytes of a CLI name (or of any output text holding names): UTF-8, escaped bytes as themselves.
 * @example encodeName('b\udcff') // <Buffer 62 ff>
 */
export function encodeName(text: string): Buffer {
  if (!ESCAPED_BYTE.test(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let run = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    const pairedLow = i > 0 && /[\uD800-\uDBFF]/.test(text[i - 1]!);
    if (isEscapedByte(char) && !pairedLow) {
      parts.push(Buffer.from(run, 'utf8'), Buffer.of(char.charCodeAt(0) - 0xdc00));
      run = '';
    } else {
      run += char;
    }
  }
  parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}

/**
 * What to hand to `fs` for a CLI name: the string itself, or its bytes when it holds bytes that
 * are not UTF-8 (a string would be encoded to different bytes, and name another file or none).
 * @example fsPath('plain') // 'plain'
 */
export function fsPath(name: string): string | Buffer {
  return ESCAPED_BYTE.test(name) ? encodeName(name) : name;
}

/**
 * The command line's arguments (after the script), each as its bytes decoded by
 * {@link decodeName}. Node decodes argv as UTF-8, replacing bytes that are not (U+FFFD), which loses
 * the name; on Linux the bytes are in /proc/self/cmdline, whose last arguments are ours. They are
 * used only when they agree with Node's decoding of every argument; elsewhere, argv as Node gives it.
 */
export function commandLineArguments(argv: readonly string[] = process.argv): string[] {
  const args = argv.slice(2);
  if (!args.some((arg) => arg.includes('\uFFFD'))) return args;
  let raw: Buffer;
  try {
    raw = readFileSync('/proc/self/cmdline');
  } catch {
    return args;
  }
  const fields: Buffer[] = [];
  for (let start = 0; start < raw.length;) {
    let end = raw.indexOf(0, start);
    if (end === -1) end = raw.length;
    fields.push(raw.subarray(start, end));
    start = end + 1;
  }
  if (fields.length < args.length) return args;
  const ours = fields.slice(fields.length - args.length);
  const lossy = new TextDecoder();
  if (!ours.every((bytes, i) => lossy.decode(bytes) === args[i])) return args;
  return ours.map((bytes) => decodeName(bytes));
}
