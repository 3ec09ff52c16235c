// `treehash range START-END (--size N | --manifest M) [--json]`: is this retrieval range valid,
// is it tree-hash aligned (will GetJobOutput return a checksum), and what aligned range covers it.
import type { Command } from 'commander';
import { TreeHashError } from '../core/errors.js';
import { toHex } from '../core/hex.js';
import { type ByteRange, formatRetrievalRange, parseRange } from '../core/byte-range.js';
import { alignRange, explainRetrievalRange, explainTreeHashAlignment } from '../retrieval/ranges.js';
import { printJsonLine, stdout } from './output.js';
import { parseArchiveSize, readManifestOperand } from './retrieval-io.js';

interface RangeOptions {
  size?: string;
  manifest?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('range')
    .description(
      'say whether START-END (inclusive bytes) is a valid retrieval range and tree-hash aligned in an archive, ' +
        'why not, and the smallest aligned ranges covering it',
    )
    .argument('<range>', 'START-END, bytes=START-END or "bytes START-END/*" (END inclusive)')
    .option('--size <bytes>', 'archive (or job output) size, e.g. 6815744 or 100MiB')
    .option('--manifest <file>', "take the size from a leaf manifest and also print the range's tree hash (- reads standard input)")
    .option('--json', 'print {"start","end","size","validRetrievalRange","treeHashAligned"} on one line')
    .action(async (rangeText: string, options: RangeOptions) => {
      if ((options.size === undefined) === (options.manifest === undefined)) {
        throw new TreeHashError('ERR_INVALID_OPTION', 'give the archive size with exactly one of --size N or --manifest FILE');
      }
      const range = parseRange(rangeText);
      const manifest = options.manifest === undefined ? undefined : await readManifestOperand(options.manifest);
      const size = manifest?.size ?? parseArchiveSize(options.size!);
      const retrievalReason = explainRetrievalRange(range, size);
      const alignmentReason = explainTreeHashAlignment(range, size);
      const treeHash = manifest !== undefined && retrievalReason === null ? toHex(manifest.rangeTreeHash(range)) : undefined;
      if (options.json) {
        await printJsonLine({
          start: range.start,
          end: range.end,
          size,
          validRetrievalRange: retrievalReason === null,
          treeHashAligned: alignmentReason === null,
          ...(treeHash === undefined ? {} : { treeHash }),
        });
        return;
      }
      await stdout.write(
        `${describe(range, size, retrievalReason, alignmentReason)}\n${treeHash === undefined ? '' : `tree hash from the manifest: ${treeHash}\n`}`,
      );
    });
}

function describe(range: ByteRange, size: number, retrievalReason: string | null, alignmentReason: string | null): string {
  const what = `${formatRetrievalRange(range)} in ${size} bytes`;
  if (alignmentReason === null) {
    return `${what}: a valid retrieval range and tree-hash aligned (a node of the tree): GetJobOutput returns its checksum.`;
  }
  const inBounds = range.start >= 0 && range.start <= range.end && range.end < size;
  const covers = inBounds ? alignRange(range, size) : undefined;
  const treeCover = covers ? ` Smallest tree-hash-aligned range covering it: ${formatRetrievalRange(covers.treeHashAligned)}.` : '';
  if (retrievalReason !== null) {
    const mbCover = covers ? ` Smallest valid retrieval range covering it: ${formatRetrievalRange(covers.megabyteAligned)}.` : '';
    return `${what}: not a valid retrieval range (InitiateJob refuses it): ${retrievalReason}.${mbCover}${treeCover}`;
  }
  return `${what}: a valid retrieval range, but not tree-hash aligned (no checksum comes back): ${alignmentReason}.${treeCover}`;
}
