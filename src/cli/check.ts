// `treehash check SUMS`: like `sha256sum -c`, reads lines "<tree hash hex>  <file>" (as written by
// `treehash hash`) and checks each file. Exit 0 when all match, 1 when any fails or is unreadable,
// 2 when SUMS itself cannot be read.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { TreeHashError } from '../errors.js';
import { toHex } from '../hex.js';
import { hashFile, hashStream } from '../node/files.js';
import { printFailure } from './errors.js';
import { parseSumLine } from './sums.js';
import { EXIT_MISMATCH, printJsonLine } from './retrieval-io.js';

interface CheckOptions {
  quiet?: boolean;
  strict?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('check')
    .description('read "<tree hash>  <file>" lines (the output of treehash hash) and check each file, like sha256sum -c')
    .argument('<sums>', 'the file of tree hashes, or - for standard input')
    .option('--quiet', "don't print OK for each file that matches")
    .option('--strict', 'fail (exit 1) on improperly formatted lines too')
    .option('--json', 'one JSON object per file: {"file","ok","expected","actual"} (actual null when unreadable)')
    .action(async (sumsPath: string, options: CheckOptions) => {
      let text: string;
      try {
        text = sumsPath === '-' ? await readStdin() : await readFile(sumsPath, 'utf8');
      } catch (cause) {
        throw new TreeHashError('ERR_READ_FAILED', `cannot read ${sumsPath}: ${(cause as Error).message}`, { cause });
      }
      let ok = 0;
      let mismatched = 0;
      let unreadable = 0;
      let malformed = 0;
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      for (const [i, rawLine] of lines.entries()) {
        const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
        if (line.trim() === '' || line.startsWith('#')) continue;
        const entry = parseSumLine(line);
        if (entry === undefined) {
          malformed++;
          process.stderr.write(`treehash check: ${sumsPath}: line ${i + 1} is not "<64 hex digits>  <file>"\n`);
          continue;
        }
        let actual: string | null = null;
        try {
          // As in sha256sum -c, "-" names standard input (unless the sums themselves came from it).
          const read = entry.file === '-' && sumsPath !== '-' ? hashStream(process.stdin, { linear: false }) : hashFile(entry.file, { linear: false });
          actual = toHex((await read).treeHash);
        } catch (error) {
          printFailure(entry.file, error);
        }
        const matched = actual === entry.hex;
        if (actual === null) unreadable++;
        else if (matched) ok++;
        else mismatched++;
        if (options.json) {
          printJsonLine({ file: entry.file, ok: matched, expected: entry.hex, actual });
        } else if (!matched || !options.quiet) {
          process.stdout.write(`${entry.file}: ${matched ? 'OK' : actual === null ? 'FAILED open or read' : 'FAILED'}\n`);
        }
      }
      const checked = ok + mismatched + unreadable;
      const failed = mismatched > 0 || unreadable > 0 || checked === 0 || (options.strict === true && malformed > 0);
      if (failed) process.exitCode = EXIT_MISMATCH;
      if (failed || !options.quiet) {
        const parts = [`${ok} OK`];
        if (mismatched > 0) parts.push(`${mismatched} FAILED`);
        if (unreadable > 0) parts.push(`${unreadable} unreadable`);
        if (malformed > 0) parts.push(`${malformed} improperly formatted line${malformed === 1 ? '' : 's'}`);
        const summary =
          checked === 0
            ? `no properly formatted tree hash lines found in ${sumsPath}`
            : `${checked} file${checked === 1 ? '' : 's'} checked: ${parts.join(', ')}`;
        process.stderr.write(`treehash check: ${summary}\n`);
      }
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
