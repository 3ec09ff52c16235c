// `treehash check SUMS`: `sha256sum -c` for tree hashes. Reads the lines `treehash hash` writes
// (GNU's format, escaped names included) and checks each file, with sha256sum's options, output
// and warnings. Exit 0 when every listed file was read and matched (at least one); 1 when any
// did not match, no line was properly formatted, --strict met a bad line or --ignore-missing left
// nothing verified; 2 when a listed file or SUMS itself could not be read (GNU exits 1 there too;
// here, as in every treehash command, 2 means "could not check" and wins over 1).
import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { TreeHashError } from '../core/errors.js';
import { toHex } from '../core/hex.js';
import { hashOperands } from './hash.js';
import { formatCheckLine, parseSumLine, quoteFileName, type SumsLayout } from './sums.js';
import { LineWriter } from './output.js';
import { decodeName, fsPath } from './names.js';
import { readStandardInput } from './retrieval-io.js';
import { EXIT_ERROR, EXIT_MISMATCH, printFailure } from './errors.js';

interface CheckOptions {
  ignoreMissing?: boolean;
  strict?: boolean;
  json?: boolean;
}

/** What sha256sum -c reports besides mismatches: --status, --quiet and --warn, one at a time. */
type OutputMode = 'status' | 'quiet' | 'warn';

export function register(program: Command): void {
  // As in GNU, each of --status, --quiet and --warn turns the other two off, so the last one given
  // wins (`--status -w` warns and prints); commander keeps no order, its option events do.
  let mode: OutputMode | undefined;
  const command = program.command('check');
  for (const name of ['status', 'quiet', 'warn'] as const) command.on(`option:${name}`, () => (mode = name));
  command
    .description('read "<tree hash>  <file>" lines (the output of treehash hash) and check each file, like sha256sum -c')
    .argument('<sums>', 'the file of tree hashes, or - for standard input')
    .option('--ignore-missing', "don't fail or report status for missing files")
    .option('--quiet', "don't print OK for each file that matches")
    .addOption(new Option('--status', "don't output anything, the exit status shows success").conflicts('json'))
    .option('--strict', 'exit 1 for improperly formatted lines too')
    .option('-w, --warn', 'warn about each improperly formatted line')
    .option('--json', 'one JSON object per file: {"file","ok","expected","actual"} (actual null when unreadable)')
    .addHelpText(
      'after',
      `
Lines are sha256sum's: "<64 hex digits>  <file>"; "<hex> *<file>" and BSD's
"<hex> <file>" are read too. A line starting with "\\" has an escaped name:
\\\\ is a backslash, \\n a newline, \\r a carriage return; such names are printed
escaped the same way ("\\a\\nb: OK"). Lines starting with "#" and empty lines
are skipped. A file named "-" is standard input, unless SUMS is. Of --quiet,
--status and --warn the last one given counts, as in sha256sum.

Exit status: 0 every listed file matched; 1 a file did not match, no line was
properly formatted, --strict and an improperly formatted line, or
--ignore-missing and no file verified; 2 a listed file or SUMS could not be
read.`,
    )
    .action(async (sumsPath: string, options: CheckOptions) => {
      let text: string;
      try {
        // Bytes: a listed name need not be UTF-8 (names.ts).
        text = decodeName(sumsPath === '-' ? await readStandardInput() : await readFile(fsPath(sumsPath)));
      } catch (cause) {
        printFailure(sumsPath === '-' ? 'standard input' : sumsPath, cause);
        return;
      }
      // Quoted in messages as GNU's quotef does ('standard input', 'my sums').
      const sumsName = quoteFileName(sumsPath === '-' ? 'standard input' : sumsPath);
      const status = mode === 'status';
      const quiet = mode === 'quiet';
      const warn = mode === 'warn';
      const layout: SumsLayout = {};
      let properlyFormatted = false;
      let matched = 0;
      let mismatched = 0;
      let unreadable = 0;
      let malformed = 0;
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      // First the lines, then the files they list hashed over every core (hashOperands), consumed in
      // line order so that output and warnings come exactly as one file at a time would give them.
      const items: ({ line: number; entry?: undefined } | { line: number; entry: { hex: string; file: string } })[] = [];
      for (const [i, rawLine] of lines.entries()) {
        if (rawLine.startsWith('#')) continue;
        const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
        if (line === '') continue;
        const entry = parseSumLine(line, layout);
        // As in GNU, "-" cannot name standard input when the sums come from it.
        items.push(entry === undefined || (entry.file === '-' && sumsPath === '-') ? { line: i } : { line: i, entry });
      }
      const results = hashOperands(
        items.flatMap((item) => (item.entry ? [item.entry.file] : [])),
        false,
      );
      const out = new LineWriter();
      try {
        for (const item of items) {
          const { entry } = item;
          if (entry === undefined) {
            malformed++;
            if (warn) {
              await out.flush();
              process.stderr.write(`treehash: ${sumsName}: ${item.line + 1}: improperly formatted tree hash line\n`);
            }
            continue;
          }
          properlyFormatted = true;
          const result = (await results.next()).value!;
          let actual: string | null = null;
          if (result.error === undefined) actual = toHex(result.treeHash);
          else {
            if (options.ignoreMissing && isMissing(result.error)) continue;
            await out.flush();
            printFailure(entry.file, result.error);
          }
          const ok = actual === entry.hex;
          if (actual === null) unreadable++;
          else if (ok) matched++;
          else mismatched++;
          // A failure to write stdout stops the check at once (main.ts reports it, exit 2).
          if (options.json) {
            await out.line(JSON.stringify({ file: entry.file, ok, expected: entry.hex, actual }));
          } else if (!status && (!ok || !quiet)) {
            await out.line(formatCheckLine(entry.file, ok ? 'OK' : actual === null ? 'FAILED open or read' : 'FAILED'));
          }
        }
      } finally {
        await results.return();
        await out.close();
      }

      if (!properlyFormatted) {
        process.stderr.write(`treehash: ${sumsName}: no properly formatted tree hash lines found\n`);
      } else if (!status) {
        const warning = (count: number, one: string, many: string) => {
          if (count > 0) process.stderr.write(`treehash: WARNING: ${count} ${count === 1 ? one : many}\n`);
        };
        warning(malformed, 'line is improperly formatted', 'lines are improperly formatted');
        warning(unreadable, 'listed file could not be read', 'listed files could not be read');
        warning(mismatched, 'computed checksum did NOT match', 'computed checksums did NOT match');
        if (options.ignoreMissing && matched === 0) {
          process.stderr.write(`treehash: ${sumsName}: no file was verified\n`);
        }
      }
      if (unreadable > 0) process.exitCode = EXIT_ERROR;
      else if (matched === 0 || mismatched > 0 || (options.strict === true && malformed > 0)) process.exitCode = EXIT_MISMATCH;
    });
}

/** Whether reading a listed file failed because it does not exist (what --ignore-missing skips). */
function isMissing(error: unknown): boolean {
  const cause = error instanceof TreeHashError ? error.cause : error;
  return (cause as { code?: unknown } | undefined)?.code === 'ENOENT';
}
