// `treehash hash [--json] FILE...`: the main job, like sha256sum.
import type { Command } from 'commander';
import { toHex } from '../core/hex.js';
import { hashFile, hashStream } from '../node/files.js';
import { LineWriter } from './output.js';
import type { Checksums } from '../hash/tree-hasher.js';
import { printFailure } from './errors.js';
import { formatSumLine } from './sums.js';
import { FORCE_PROGRESS_HELP, PROGRESS_HELP, type ProgressFlags, withProgressBar } from './progress.js';
import type { ProgressCallback } from '../stream/progress.js';
import type { TreeChecksum } from '../stream/chunks.js';

/** Hashes one CLI operand: `-` is standard input, anything else a file (`linear: false`: the tree hash only). */
export function hashOperand(file: string, options: { onProgress?: ProgressCallback | undefined; linear?: boolean } = {}): Promise<TreeChecksum> {
  const { onProgress, linear = true } = options;
  return file === '-' ? hashStream(process.stdin, { onProgress, linear }) : hashFile(file, { onProgress, linear });
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
      try {
        for (const file of files) {
          try {
            const { size, treeHash, sha256 } = (await withProgressBar(file, options, (onProgress) => hashOperand(file, { onProgress }))) as Checksums;
            const line = options.json
              ? JSON.stringify({ file, size, treeHash: toHex(treeHash), sha256: toHex(sha256) })
              : formatSumLine(toHex(treeHash), file);
            await out.write(`${line}\n`);
            if (out.closed) return; // nobody reads any more: stop hashing
          } catch (error) {
            printFailure(file, error);
          }
        }
      } finally {
        await out.close();
      }
    });
}
