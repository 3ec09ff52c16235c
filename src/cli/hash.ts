// `treehash hash [--json] FILE...`: the main job, like sha256sum.
import type { Command } from 'commander';
import { toHex } from '../core/hex.js';
import { hashFile, hashStream } from '../node/files.js';
import { type FileHashResult, hashFiles } from '../node/many.js';
import { LineWriter } from './output.js';
import type { Checksums } from '../hash/tree-hasher.js';
import { printFailure } from './errors.js';
import { fsPath } from './names.js';
import { formatSumLine } from './sums.js';
import { FORCE_PROGRESS_HELP, PROGRESS_HELP, type ProgressFlags, withProgressBar } from './progress.js';
import type { ProgressCallback } from '../stream/progress.js';
import type { TreeChecksum } from '../stream/chunks.js';

/**
 * Hashes one CLI operand: `-` is standard input, anything else a file, a CLI name (names.ts: its
 * bytes when it is not UTF-8) (`linear: false`: the tree hash only).
 */
export function hashOperand(file: string, options: { onProgress?: ProgressCallback | undefined; linear?: boolean } = {}): Promise<TreeChecksum> {
  const { onProgress, linear = true } = options;
  return file === '-' ? hashStream(process.stdin, { onProgress, linear }) : hashFile(fsPath(file), { onProgress, linear });
}

/**
 * Hashes CLI operands in order, many at once over every core (hashFiles): `-` is standard input,
 * read here in its turn. Without a progress bar only: a bar draws one file at a time. Paths go as
 * bytes where a name is not UTF-8.
 */
export function hashOperands(files: readonly string[], linear: boolean): AsyncGenerator<FileHashResult, void, undefined> {
  return hashFiles(files.map(fsPath), {
    linear,
    defer: (file) => file === '-',
    hashDeferred: (file, options) => (file === '-' ? hashStream(process.stdin, options) : hashFile(file, options)),
  });
}

export function register(program: Command): void {
  program
    .command('hash')
    .description('print the Glacier tree hash of each FILE (- for standard input), one line each like sha256sum')
    .argument('<file...>', 'files to hash; - reads standard input')
    .option('--json', 'one JSON object per line: {"file","size","treeHash","sha256"}')
    .option('--progress', PROGRESS_HELP)
    .option('--force-progress', FORCE_PROGRESS_HELP)
    .action(async (files: string[], options: { json?: boolean } & ProgressFlags) => {
      const out = new LineWriter();
      const lineOf = (file: string, { size, treeHash, sha256 }: Checksums): string =>
        options.json ? JSON.stringify({ file, size, treeHash: toHex(treeHash), sha256: toHex(sha256) }) : formatSumLine(toHex(treeHash), file);
      // A failure to write stdout throws out of out.line/write/flush: hashing stops at once, and
      // main.ts reports it (exit 2), never as a failure of a file.
      if (!options.progress && !options.forceProgress) {
        // Lines are batched; before an error goes to stderr the lines before it are written, so a
        // terminal shows them in order.
        let index = 0;
        // Leaving the loop (a write error) ends the generator, which stops the hashing.
        for await (const result of hashOperands(files, true)) {
          const file = files[index++]!;
          if (result.error === undefined) await out.line(lineOf(file, result as Checksums));
          else {
            await out.flush();
            printFailure(file, result.error);
          }
        }
        await out.close();
        return;
      }
      for (const file of files) {
        let result: Checksums;
        try {
          result = (await withProgressBar(file, options, (onProgress) => hashOperand(file, { onProgress }))) as Checksums;
        } catch (error) {
          printFailure(file, error);
          continue;
        }
        await out.write(`${lineOf(file, result)}\n`);
      }
    });
}
