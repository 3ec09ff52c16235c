// `treehash manifest FILE [-o OUT]`: write the leaf manifest of a file (keep it with the archive's
// records at upload time); `treehash manifest --show M`: print a manifest as text.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { TreeHashError } from '../core/errors.js';
import { toHex } from '../core/hex.js';
import { formatRetrievalRange } from '../core/byte-range.js';
import { writeLeafManifest } from '../node/manifest.js';
import { fsPath } from './names.js';
import { LineWriter, printJsonLine, stdout } from './output.js';
import { forOperand, manifestOfOperand, readManifestOperand } from './retrieval-io.js';
import { formatSumLine, quoteFileName } from './sums.js';
import { FORCE_PROGRESS_HELP, PROGRESS_HELP, type ProgressFlags, withProgressBar } from './progress.js';

/** What `-o` defaults to: the file's name with this appended. */
export const MANIFEST_SUFFIX = '.treehash-manifest';

interface ManifestOptions extends ProgressFlags {
  output?: string;
  show?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('manifest')
    .description(
      'write a leaf manifest of FILE (size and every 1 MiB leaf digest): later it gives the tree hash of any ' +
        'aligned range, and `treehash verify --manifest` names the damaged leaves of a copy',
    )
    .argument('[file]', 'the archive; - reads standard input (then -o OUT is needed)')
    .option('-o, --output <path>', `where to write the manifest (default: FILE${MANIFEST_SUFFIX})`)
    .option('--show <manifest>', 'print an existing manifest as text: header, then "leaf  START-END  DIGEST" lines (- reads standard input)')
    .option('--json', 'print {"file","manifest","size","leaves","treeHash"} (with --show: one object per leaf)')
    .option('--progress', PROGRESS_HELP)
    .option('--force-progress', FORCE_PROGRESS_HELP)
    .action(async (file: string | undefined, options: ManifestOptions) => {
      if (options.show !== undefined) {
        if (file !== undefined || options.output !== undefined) {
          throw new TreeHashError('ERR_INVALID_OPTION', '--show takes a manifest and no FILE or --output');
        }
        await show(options.show, options.json === true);
        return;
      }
      if (file === undefined) throw new TreeHashError('ERR_INVALID_OPTION', 'give the FILE to make a manifest of (or --show MANIFEST)');
      if (file === '-' && options.output === undefined) {
        throw new TreeHashError('ERR_INVALID_OPTION', 'standard input has no name to write the manifest next to: give -o OUT');
      }
      const output = options.output ?? `${file}${MANIFEST_SUFFIX}`;
      if (file !== '-' && (await sameFile(file, output))) {
        throw new TreeHashError('ERR_INVALID_OPTION', `-o ${quoteFileName(output)} is FILE itself: the manifest would overwrite the archive`);
      }
      const manifest = await withProgressBar(file, options, (onProgress) => manifestOfOperand(file, onProgress));
      await forOperand(output, () => writeLeafManifest(fsPath(output), manifest));
      const treeHash = toHex(manifest.treeHash);
      if (options.json) {
        await printJsonLine({ file, manifest: output, size: manifest.size, leaves: manifest.leafCount, treeHash });
      } else {
        await stdout.write(`${formatSumLine(treeHash, file)}\n`);
        process.stderr.write(`treehash manifest: wrote ${quoteFileName(output)} (${manifest.leafCount} leaves, ${manifest.size} bytes)\n`);
      }
    });
}

/** Whether two names are one file: the same path, or (when both exist) the same device and inode, as through a link. */
async function sameFile(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true;
  const [statA, statB] = await Promise.all([stat(fsPath(a)).catch(() => undefined), stat(fsPath(b)).catch(() => undefined)]);
  return statA !== undefined && statB !== undefined && statA.dev === statB.dev && statA.ino === statB.ino;
}

async function show(path: string, json: boolean): Promise<void> {
  const manifest = await readManifestOperand(path);
  const out = new LineWriter();
  if (!json) await out.line(`size ${manifest.size}, ${manifest.leafCount} leaves of ${manifest.leafSize} bytes, tree hash ${toHex(manifest.treeHash)}`);
  for (let leaf = 0; leaf < manifest.leafCount; leaf++) {
    const range = manifest.leafRange(leaf);
    const digest = toHex(manifest.leafDigest(leaf));
    if (json) await out.line(JSON.stringify({ leaf, start: range?.start ?? 0, end: range?.end ?? -1, digest }));
    else await out.line(`${leaf}\t${range === undefined ? 'empty' : formatRetrievalRange(range)}\t${digest}`);
  }
  await out.close();
}
