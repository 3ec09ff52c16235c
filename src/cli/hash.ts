// `treehash hash [--json] FILE...`: the main job, like sha256sum.
import type { Command } from 'commander';
import { toHex } from '../core/hex.js';
import { hashFile, hashStream } from '../node/files.js';
import { LineWriter } from './output.js';
import type { Checksums } from '../hash/tree-hasher.js';
import { printFailure } from './errors.js';
import { fsPath } from './names.js';
import { formatSumLine } from './sums.js';
import { FORCE_PROGRESS_HELP, PROGRESS_HELP, type ProgressFlags, withProgressBar } from './progress.js';
import type { ProgressCallback } from '../stream/progress.js';
import type { TreeChecksum } from '../stream/chunks.js';

/** Hashes one CLI operand: `-` is standard input, anything else a file, a CLI name (names.ts) (`linear: false`: the tree hash only). */
export function hashOperand(file: string, options: { onProgress?: ProgressCallback | undefined; linear?: boolean } = {}): Promise<TreeChecksum> {
  const { onProgress, linear = true } = options;
  return file === '-' ? hashStream(process.stdin, { onProgress, linear }) : hashFile(fsPath(file), { onProgress, linear });
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
      for (const file of files) {
        let checksums: Checksums;
        try {
          checksums = (await withProgressBar(file, options, (onProgress) => hashOperand(file, { onProgress }))) as Checksums;
        } catch (error) {
          printFailure(file, error);
          continue;
        }
        const { size, treeHash, sha256 } = checksums;
        // Outside the try: a failure to write stdout stops every command at once (main.ts reports it).
        await out.write(
          `${options.json ? JSON.stringify({ file, size, treeHash: toHex(treeHash), sha256: toHex(sha256) }) : formatSumLine(toHex(treeHash), file)}\n`,
        );
      }
    });
}
