// `treehash verify FILE (--tree-hash HEX | --manifest M) [--json]`: exit 0 when the file matches,
// 1 when it does not, 2 on any other error. With a manifest, name the bad byte ranges and the
// tree-hash-aligned ranges to download again.
import type { Command } from 'commander';
import { TreeHashError } from '../errors.js';
import { toHex } from '../hex.js';
import { compareWithManifest } from '../manifest.js';
import { hashFile } from '../node/files.js';
import { manifestOfFile, readLeafManifest } from '../node/manifest.js';
import { type ByteRange, formatRetrievalRange } from '../ranges.js';
import { toTreeHashBytes } from '../verify.js';
import { EXIT_MISMATCH, printJsonLine } from './retrieval-io.js';

interface VerifyOptions {
  treeHash?: string;
  manifest?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('verify')
    .description('check a file against a tree hash or a leaf manifest (exit 0 match, 1 mismatch, 2 error)')
    .argument('<file>', 'the downloaded file')
    .option('--tree-hash <hex>', 'the expected tree hash (64 hex digits, either case)')
    .option('--manifest <file>', 'a leaf manifest of the archive: names the damaged leaves and what to fetch again')
    .option('--json', 'print the verdict as one JSON object')
    .action(async (file: string, options: VerifyOptions) => {
      if ((options.treeHash === undefined) === (options.manifest === undefined)) {
        throw new TreeHashError('ERR_INVALID_OPTION', 'give exactly one of --tree-hash HEX or --manifest FILE');
      }
      if (options.treeHash !== undefined) await verifyTreeHashOption(file, options.treeHash, options.json === true);
      else await verifyManifestOption(file, options.manifest!, options.json === true);
    });
}

async function verifyTreeHashOption(file: string, hex: string, json: boolean): Promise<void> {
  const expected = toHex(toTreeHashBytes(hex, '--tree-hash')); // validated before reading the file
  const { size, treeHash } = await hashFile(file, { linear: false });
  const actual = toHex(treeHash);
  const ok = actual === expected;
  if (!ok) process.exitCode = EXIT_MISMATCH;
  if (json) {
    printJsonLine({ file, ok, size, expected, actual });
  } else {
    process.stdout.write(ok ? `${file}: OK\n` : `${file}: FAILED: tree hash ${actual}, expected ${expected}\n`);
  }
}

async function verifyManifestOption(file: string, manifestPath: string, json: boolean): Promise<void> {
  const manifest = await readLeafManifest(manifestPath);
  const copy = await manifestOfFile(file);
  const result = compareWithManifest(manifest, copy);
  if (!result.ok) process.exitCode = EXIT_MISMATCH;
  if (json) {
    printJsonLine({
      file,
      ok: result.ok,
      size: result.actualSize,
      expectedSize: result.expectedSize,
      treeHash: toHex(copy.treeHash),
      expectedTreeHash: toHex(manifest.treeHash),
      badLeaves: result.badLeaves,
      badRanges: result.badRanges,
      refetchRanges: result.refetchRanges,
      extraBytes: result.extraBytes ?? null,
    });
    return;
  }
  if (result.ok) {
    process.stdout.write(`${file}: OK (all ${manifest.leafCount} leaves match the manifest)\n`);
    return;
  }
  const lines = [
    `${file}: FAILED: ${result.badLeaves.length} of ${manifest.leafCount} leaves differ from the manifest` +
      (result.actualSize === result.expectedSize ? '' : ` (the file has ${result.actualSize} bytes, the archive ${result.expectedSize})`),
    ...result.badRanges.map((range) => `bad: bytes ${formatRetrievalRange(range)} (${describeLeaves(range)})`),
    ...result.refetchRanges.map((range) => `fetch again: ${formatRetrievalRange(range)}`),
  ];
  if (result.extraBytes !== undefined) {
    lines.push(`extra: bytes ${formatRetrievalRange(result.extraBytes)} are past the archive's end (cut the file to ${result.expectedSize} bytes)`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

function describeLeaves(range: ByteRange): string {
  const first = Math.floor(range.start / 1048576);
  const last = Math.floor(range.end / 1048576);
  return first === last ? `leaf ${first}` : `leaves ${first}-${last}`;
}
