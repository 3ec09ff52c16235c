// `treehash plan-download --size N [--range A-B] [--chunk-size SIZE] [--json]`: the GetJobOutput
// ranges to download a job output in tree-hash-aligned pieces, each verifiable on its own.
import type { Command } from 'commander';
import { MiB } from '../core/constants.js';
import { describeDownloadPlan, downloadChunks } from '../retrieval/download-plan.js';
import { explainChecksumExpectation } from '../retrieval/ranges.js';
import { formatHttpRange, formatRetrievalRange, parseRange } from '../core/byte-range.js';
import { parseArchiveSize, parseByteCount } from './retrieval-io.js';
import { LineWriter } from './output.js';

/** Default piece size: large enough to keep requests few, small enough to retry cheaply. */
const DEFAULT_CHUNK_SIZE = 64 * MiB;

interface PlanOptions {
  size: string;
  range?: string;
  chunkSize?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('plan-download')
    .description('split a job output into tree-hash-aligned GetJobOutput ranges, so every piece comes with a checksum')
    .requiredOption('--size <bytes>', 'archive size, e.g. 6815744 or 100GiB')
    .option('--range <start-end>', "the job's RetrievalByteRange (absolute, END inclusive); default: the whole archive")
    .option('--chunk-size <bytes>', 'largest piece, ≥ 1MiB; rounded down to a power-of-two number of MiB (default 64MiB)')
    .option('--json', 'one JSON object per piece: {"index","start","end","archiveStart","archiveEnd","range","checksum"}')
    .action(async (options: PlanOptions) => {
      const archiveSize = parseArchiveSize(options.size);
      const retrievalRange = options.range === undefined ? undefined : parseRange(options.range);
      const chunkSize = options.chunkSize === undefined ? DEFAULT_CHUNK_SIZE : parseByteCount(options.chunkSize, '--chunk-size');
      // Pieces are printed as they are cut: the largest archive in 1 MiB pieces makes 40 M lines.
      const plan = describeDownloadPlan({ archiveSize, retrievalRange, chunkSize });
      const out = new LineWriter();
      if (!options.json) {
        await out.line(
          `job output: ${plan.jobOutputSize} bytes (archive bytes ${formatRetrievalRange(plan.retrievalRange)}), ` +
            `${plan.chunkCount} piece${plan.chunkCount === 1 ? '' : 's'} of up to ${plan.blockSize} bytes`,
        );
        await out.line(
          plan.checksums
            ? "every response carries x-amz-sha256-tree-hash; their tree hashes combine into DescribeJob's SHA256TreeHash"
            : `no response will carry a checksum: ${explainChecksumExpectation({ archiveSize, retrievalRange })}`,
        );
      }
      let index = 0;
      for (const chunk of downloadChunks({ archiveSize, retrievalRange, chunkSize })) {
        await out.line(
          options.json
            ? JSON.stringify({
                index: index++,
                start: chunk.range.start,
                end: chunk.range.end,
                archiveStart: chunk.archiveRange.start,
                archiveEnd: chunk.archiveRange.end,
                range: formatHttpRange(chunk.range),
                checksum: plan.checksums,
              })
            : `${formatHttpRange(chunk.range)}\tarchive ${formatRetrievalRange(chunk.archiveRange)}`,
        );
      }
      await out.close();
    });
}
