// `treehash parts FILE [--part-size SIZE|auto] [--json]`: the numbers for a multipart upload,
// each part's Content-Range and checksums, then the archive's.
import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { TreeHashError } from '../errors.js';
import { toHex } from '../hex.js';
import { assertValidPartSize, choosePartSize, parseSize, partCount } from '../multipart.js';
import { hashFileParts, nodeSha256 } from '../node/parts.js';
import { type MultipartChecksums, type PartChecksums, type PartHashing, hashParts } from '../parts.js';
import { printFailure } from './errors.js';

interface PartsOptions {
  partSize: string;
  json?: boolean;
}

/**
 * The part size to use: the given one, or for `auto` the smallest valid one for the file's size.
 * For a regular file the upload is checked before reading (empty, too large, too many parts).
 */
async function resolvePartSize(file: string, text: string): Promise<number> {
  const auto = text.trim().toLowerCase() === 'auto';
  const partSize = auto ? undefined : parseSize(text);
  const info = file === '-' ? undefined : await stat(file).catch((cause: unknown) => {
    throw new TreeHashError('ERR_READ_FAILED', `cannot stat ${file}: ${(cause as Error).message}`, { cause });
  });
  if (!info?.isFile()) {
    if (auto) throw new TreeHashError('ERR_INVALID_OPTION', `--part-size auto needs a regular file to size; give --part-size SIZE for ${file}`);
    assertValidPartSize(partSize);
    return partSize;
  }
  const chosen = partSize ?? choosePartSize(info.size);
  partCount(info.size, chosen);
  return chosen;
}

/**
 * Writes lines to stdout one at a time (each table row shows as its part completes), waiting when
 * stdout is full. Once the reader has gone away (EPIPE, e.g. `| head`) `closed` turns true.
 */
class RowWriter {
  closed = false;
  readonly #onError = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    this.closed = true;
  };

  constructor() {
    process.stdout.on('error', this.#onError);
  }

  async write(text: string): Promise<void> {
    if (this.closed) return;
    try {
      if (!process.stdout.write(text)) await once(process.stdout, 'drain');
    } catch (error) {
      this.#onError(error as NodeJS.ErrnoException);
    }
  }

  close(): void {
    process.stdout.off('error', this.#onError);
  }
}

function partRow(part: PartChecksums): string {
  return [String(part.index).padStart(5), part.contentRange.padEnd(38), toHex(part.treeHash), toHex(part.sha256)].join('  ');
}

export function register(program: Command): void {
  program
    .command('parts')
    .description("print a multipart upload's numbers for FILE: each part's Content-Range, tree hash and SHA-256, then the archive tree hash")
    .argument('<file>', 'the archive to upload; - reads standard input (needs --part-size SIZE)')
    .option('--part-size <size>', 'part size, 1MiB to 4GiB in powers of two (e.g. 8MiB, 1GiB, 8388608), or auto: the smallest that keeps ≤ 10,000 parts', 'auto')
    .option('--json', 'one JSON object: {"file","size","partSize","treeHash","sha256","parts":[{"index","start","end","contentRange","treeHash","sha256"}]}')
    .action(async (file: string, options: PartsOptions) => {
      try {
        const stdin = file === '-';
        const partSize = await resolvePartSize(file, options.partSize);
        const hashing: PartHashing = stdin
          ? hashParts(process.stdin, { partSize, wholeSha256: nodeSha256 })
          : hashFileParts(file, { partSize });
        const out = new RowWriter();
        try {
          if (!options.json) {
            await out.write(`${'part'.padStart(5)}  ${'Content-Range'.padEnd(38)}  ${'tree hash'.padEnd(64)}  sha256\n`);
            for await (const part of hashing) {
              await out.write(`${partRow(part)}\n`);
              if (out.closed) return; // nobody reads any more: stop hashing
            }
          }
          const result: MultipartChecksums = await hashing.done();
          const sha256 = toHex(result.sha256!);
          const treeHash = toHex(result.treeHash);
          if (options.json) {
            const parts = result.parts.map((part) => ({
              index: part.index,
              start: part.start,
              end: part.end,
              contentRange: part.contentRange,
              treeHash: toHex(part.treeHash),
              sha256: toHex(part.sha256),
            }));
            await out.write(`${JSON.stringify({ file, size: result.size, partSize: result.partSize, treeHash, sha256, parts })}\n`);
          } else {
            await out.write(
              `archive: ${result.size} bytes, part size ${result.partSize} bytes, ${result.parts.length} part${result.parts.length === 1 ? '' : 's'}\n` +
                `archive tree hash (x-amz-sha256-tree-hash): ${treeHash}\n` +
                `archive sha256: ${sha256}\n`,
            );
          }
        } finally {
          out.close();
        }
      } catch (error) {
        printFailure(file, error);
        process.exitCode = 2;
      }
    });
}
