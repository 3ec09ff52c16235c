// `treehash verify FILE (--tree-hash HEX | --manifest M) [--json]`: exit 0 when the file matches,
// 1 when it does not, 2 on any other error. With a manifest, name the bad byte ranges and the
// tree-hash-aligned ranges to download again.
import type { Command } from 'commander';
import { TreeHashError } from '../core/errors.js';
import { toHex } from '../core/hex.js';
import { compareWithManifest } from '../retrieval/manifest-compare.js';
import { LEAF_SIZE } from '../core/constants.js';
import { type ByteRange, formatRetrievalRange, parseRange } from '../core/byte-range.js';
import { toTreeHashBytes } from '../core/digest.js';
import { hashOperand } from './hash.js';
import { printJsonLine, stdout } from './output.js';
import { forOperand, manifestOfOperand, readManifestOperand } from './retrieval-io.js';
import { EXIT_MISMATCH } from './errors.js';
import { FORCE_PROGRESS_HELP, PROGRESS_HELP, type ProgressFlags, withProgressBar } from './progress.js';

interface VerifyOptions extends ProgressFlags {
  treeHash?: string;
  manifest?: string;
  range?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('verify')
    .description('check a file against a tree hash or a leaf manifest (exit 0 match, 1 mismatch, 2 error)')
    .argument('<file>', 'the downloaded file; - reads standard input')
    .option('--tree-hash <hex>', 'the expected tree hash (64 hex digits, either case)')
    .option('--manifest <file>', 'a leaf manifest of the archive: names the damaged leaves and what to fetch again (- reads standard input)')
    .option('--range <start-end>', 'with --manifest: FILE holds only these bytes of the archive (megabyte aligned, END inclusive)')
    .option('--json', 'print the verdict as one JSON object')
    .option('--progress', PROGRESS_HELP)
    .option('--force-progress', FORCE_PROGRESS_HELP)
    .action(async (file: string, options: VerifyOptions) => {
      if ((options.treeHash === undefined) === (options.manifest === undefined)) {
        throw new TreeHashError('ERR_INVALID_OPTION', 'give exactly one of --tree-hash HEX or --manifest FILE');
      }
      if (file === '-' && options.manifest === '-') {
        throw new TreeHashError('ERR_INVALID_OPTION', 'FILE and --manifest cannot both be standard input (-)');
      }
      if (options.range !== undefined && options.manifest === undefined) {
        throw new TreeHashError('ERR_INVALID_OPTION', '--range goes with --manifest (a tree hash already says which bytes it covers)');
      }
      if (options.treeHash !== undefined) await verifyTreeHashOption(file, options.treeHash, options.json === true, options);
      else await verifyManifestOption(file, options.manifest!, options.range, options.json === true, options);
    });
}

async function verifyTreeHashOption(file: string, hex: string, json: boolean, progress: ProgressFlags): Promise<void> {
  const expected = toHex(toTreeHashBytes(hex, '--tree-hash')); // validated before reading the file
  const { size, treeHash } = await forOperand(file, () => withProgressBar(file, progress, (onProgress) => hashOperand(file, { linear: false, onProgress })));
  const actual = toHex(treeHash);
  const ok = actual === expected;
  if (!ok) process.exitCode = EXIT_MISMATCH;
  if (json) {
    await printJsonLine({ file, ok, size, expected, actual });
  } else {
    await stdout.write(ok ? `${file}: OK\n` : `${file}: FAILED: tree hash ${actual}, expected ${expected}\n`);
  }
}

async function verifyManifestOption(file: string, manifestPath: string, rangeText: string | undefined, json: boolean, progress: ProgressFlags): Promise<void> {
  const range = rangeText === undefined ? undefined : parseRange(rangeText);
  const manifest = await readManifestOperand(manifestPath);
  // Refuses a bad range before reading the file.
  const expectedTreeHash = range === undefined ? manifest.treeHash : manifest.rangeTreeHash(range);
  const copy = await withProgressBar(file, progress, (onProgress) => manifestOfOperand(file, onProgress));
  const result = compareWithManifest(manifest, copy, range);
  if (!result.ok) process.exitCode = EXIT_MISMATCH;
  if (json) {
    await printJsonLine({
      file,
      ok: result.ok,
      size: result.actualSize,
      expectedSize: result.expectedSize,
      treeHash: toHex(copy.treeHash),
      expectedTreeHash: toHex(expectedTreeHash),
      ...(range === undefined ? {} : { range }),
      badLeaves: result.badLeaves,
      badRanges: result.badRanges,
      refetchRanges: result.refetchRanges,
      extraBytes: result.extraBytes ?? null,
    });
    return;
  }
  if (result.ok) {
    await stdout.write(`${file}: OK (all ${leafTotal(manifest.leafCount, range)} leaves match the manifest)\n`);
    return;
  }
  const lines = [
    `${file}: FAILED: ${result.badLeaves.length} of ${leafTotal(manifest.leafCount, range)} leaves differ from the manifest` +
      (result.actualSize === result.expectedSize ? '' : ` (the file has ${result.actualSize} bytes, expected ${result.expectedSize})`),
    ...result.badRanges.map((range) => `bad: bytes ${formatRetrievalRange(range)} (${describeLeaves(range)})`),
    ...result.refetchRanges.map((range) => `fetch again: ${formatRetrievalRange(range)}`),
  ];
  if (result.extraBytes !== undefined) {
    lines.push(`extra: bytes ${formatRetrievalRange(result.extraBytes)} are past the end (cut the file to ${result.expectedSize} bytes)`);
  }
  await stdout.write(`${lines.join('\n')}\n`);
}

/** Number of leaves the file should hold: the archive's, or the range's. */
function leafTotal(archiveLeaves: number, range: ByteRange | undefined): number {
  return range === undefined ? archiveLeaves : Math.ceil((range.end + 1) / LEAF_SIZE) - range.start / LEAF_SIZE;
}

function describeLeaves(range: ByteRange): string {
  const first = Math.floor(range.start / LEAF_SIZE);
  const last = Math.floor(range.end / LEAF_SIZE);
  return first === last ? `leaf ${first}` : `leaves ${first}-${last}`;
}
