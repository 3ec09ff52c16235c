// The line format of `treehash hash`, read back by `treehash check`: sha256sum's, "<hex>  <file>",
// with GNU coreutils' rules (src/digest.c) for odd names and for what a checker accepts.

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
