// The line format of `treehash hash`, shared with `treehash check`: sha256sum's, "<hex>  <file>".
// As in GNU coreutils, a name with a backslash or newline is escaped and the line starts with "\".

/** One output line of `treehash hash` for `file`. */
export function formatSumLine(hex: string, file: string): string {
  if (!/[\\\n\r]/.test(file)) return `${hex}  ${file}`;
  const escaped = file.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  return `\\${hex}  ${escaped}`;
}

/** Parses a line written by {@link formatSumLine}; undefined when it is not one. */
export function parseSumLine(line: string): { hex: string; file: string } | undefined {
  const escaped = line.startsWith('\\');
  const match = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(escaped ? line.slice(1) : line);
  if (!match) return undefined;
  const file = escaped ? match[2]!.replace(/\\(\\|n|r)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : '\\')) : match[2]!;
  return { hex: match[1]!.toLowerCase(), file };
}
