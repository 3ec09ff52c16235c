// The line format of `treehash hash`, read back by `treehash check`: sha256sum's, "<hex>  <file>",
// with GNU coreutils' rules (src/digest.c) for odd names and for what a checker accepts. Names
// are CLI names (names.ts): a byte that is not UTF-8 is a lone surrogate, written back as the byte.
import { isEscapedByte } from './names.js';

/** A name GNU escapes holds a backslash, a newline or a carriage return. */
const NEEDS_ESCAPE = /[\\\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r' };
const UNESCAPES: Record<string, string> = { '\\': '\\', n: '\n', r: '\r' };

/**
 * A file name as GNU writes it on a line: when it holds `\`, newline or carriage return, those
 * become `\\`, `\n`, `\r` and the whole line is to start with a backslash (`escaped`), which
 * tells a reader to undo them. Other names are written as they are.
 * @example escapeFileName('a\nb') // { escaped: true, text: 'a\\nb' }
 */
export function escapeFileName(file: string): { escaped: boolean; text: string } {
  if (!NEEDS_ESCAPE.test(file)) return { escaped: false, text: file };
  return { escaped: true, text: file.replace(/[\\\n\r]/g, (c) => ESCAPES[c]!) };
}

/**
 * One output line of `treehash hash` for `file` (without the newline), as `sha256sum` writes it.
 * @example formatSumLine('ab…', 'x\\y') // '\\ab…  x\\\\y'
 */
export function formatSumLine(hex: string, file: string): string {
  const { escaped, text } = escapeFileName(file);
  return `${escaped ? '\\' : ''}${hex}  ${text}`;
}

/**
 * One verdict line of `treehash check` (without the newline), as `sha256sum -c` writes it: the
 * name escaped as on a sums line, the leading backslash first (`\a\\b: OK`).
 * @example formatCheckLine('a\nb', 'FAILED') // '\\a\\nb: FAILED'
 */
export function formatCheckLine(file: string, verdict: 'OK' | 'FAILED' | 'FAILED open or read'): string {
  const { escaped, text } = escapeFileName(file);
  return `${escaped ? '\\' : ''}${text}: ${verdict}`;
}

/**
 * Which untagged layout a sums file uses, learnt from its first good line: GNU's "<hex>  <file>"
 * (or "<hex> *<file>"), or `reversed`, BSD's `-r` "<hex> <file>". As in GNU, one file may not mix
 * them, so that a name starting with a space or "*" cannot be misread.
 */
export interface SumsLayout {
  reversed?: boolean;
}

/**
 * Parses one line of a sums file (without its line ending) as `sha256sum -c` does: leading blanks
 * are skipped; a leading backslash means the name is escaped (only `\\`, `\n`, `\r` are valid,
 * anything else makes the line improperly formatted); 64 hex digits of either case, a space or
 * tab, then `" "` or `"*"` and the name, which runs to the end of the line, blanks included.
 * Pass the same `layout` for every line of one file.
 * @returns the lowercase hex and the file name; undefined when the line is improperly formatted.
 * @example parseSumLine('\\' + 'ab'.repeat(32) + '  a\\nb') // { hex: 'abab…', file: 'a\nb' }
 */
export function parseSumLine(line: string, layout: SumsLayout = {}): { hex: string; file: string } | undefined {
  let i = 0;
  while (line[i] === ' ' || line[i] === '\t') i++;
  const escaped = line[i] === '\\';
  if (escaped) i++;
  const hexStart = i;
  while (i < line.length && line[i] !== ' ' && line[i] !== '\t') i++;
  const hex = line.slice(hexStart, i);
  if (i === line.length || !/^[0-9a-fA-F]{64}$/.test(hex)) return undefined;
  let name = line.slice(i + 1);
  if (name === '') return undefined;
  if (name.length === 1 || (name[0] !== ' ' && name[0] !== '*')) {
    if (layout.reversed === false) return undefined;
    layout.reversed = true;
  } else if (layout.reversed !== true) {
    layout.reversed = false;
    name = name.slice(1); // the mode character: " " text, "*" binary, the same on POSIX
  }
  const file = escaped ? unescapeFileName(name) : name;
  if (file === undefined || file.includes('\0')) return undefined;
  return { hex: hex.toLowerCase(), file };
}

/** Undoes {@link escapeFileName}; undefined for a lone backslash or one before anything but `\`, n, r. */
function unescapeFileName(text: string): string | undefined {
  let file = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\') {
      file += c;
      continue;
    }
    const unescaped = UNESCAPES[text[++i] ?? ''];
    if (unescaped === undefined) return undefined;
    file += unescaped;
  }
  return file;
}

// Characters a shell treats specially anywhere (gnulib quotearg's list), plus ':' which quotef adds.
const SHELL_SPECIAL = new Set([...' !"$&\'()*;<=>?[\\^`|:']);
// Those that may still stand inside "…" (quotearg's c_and_shell_quote_compat).
const DOUBLE_QUOTE_SAFE = /^[%+,\-./0-9:A-Z\]_a-z@ ']$/;
const C_ESCAPES: Record<string, string> = { '\x07': 'a', '\b': 'b', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't', '\v': 'v' };
const isControl = (c: string): boolean => {
  const code = c.codePointAt(0)!;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
};
/** A character GNU writes as an escape inside $'…': a control character, or a byte that is not UTF-8 (names.ts). */
const needsDollarQuote = (c: string): boolean => isControl(c) || isEscapedByte(c);
/** `\n` for a control character with a C escape, else the octal of each byte (`\377`). */
const dollarEscape = (c: string): string => {
  if (C_ESCAPES[c] !== undefined) return `\\${C_ESCAPES[c]}`;
  const bytes = isEscapedByte(c) ? [c.charCodeAt(0) - 0xdc00] : [...new TextEncoder().encode(c)];
  return bytes.map((byte) => `\\${byte.toString(8).padStart(3, '0')}`).join('');
};

/**
 * A file name as GNU coreutils quote it in their messages on stderr (`quotef`: gnulib's
 * shell-escape quoting, ':' quoted too), so a name with a newline stays on one line: as it is
 * when nothing in it is special to a shell (`a@b`); in double quotes when a single quote is all
 * there is to protect (`"it's"`); else in single quotes, a quote as `'\''` and a control
 * character as `$'\n'` (`'new'$'\n''line'`), `$'\001'`.
 * @example quoteFileName('a b') // "'a b'"
 */
export function quoteFileName(name: string): string {
  const chars = [...name];
  if (chars.length === 0) return "''";
  const lone = chars.length === 1;
  let special = false;
  let doubleQuotable = false;
  let allDoubleQuoteSafe = true;
  for (const [i, c] of chars.entries()) {
    // '#' and '~' matter only first; '{' and '}' only alone.
    const positional = ((c === '#' || c === '~') && i === 0) || ((c === '{' || c === '}') && lone);
    if (SHELL_SPECIAL.has(c) || positional || needsDollarQuote(c)) special = true;
    if (c === "'") doubleQuotable = true;
    const safeInside = DOUBLE_QUOTE_SAFE.test(c) || positional || (c.codePointAt(0)! > 0x7f && !needsDollarQuote(c));
    if (!safeInside) allDoubleQuoteSafe = false;
  }
  if (!special) return name;
  if (doubleQuotable && allDoubleQuoteSafe) return `"${name}"`;
  let out = "'";
  let inDollarQuote = false; // inside $'…', where escapes work
  for (const c of chars) {
    if (needsDollarQuote(c)) {
      if (!inDollarQuote) out += "'$'";
      inDollarQuote = true;
      out += dollarEscape(c);
    } else if (c === "'") {
      out += "'\\''";
      inDollarQuote = false;
    } else {
      if (inDollarQuote) out += "''";
      inDollarQuote = false;
      out += c;
    }
  }
  return `${out}'`;
}
