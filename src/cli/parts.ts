// `treehash parts FILE [--part-size SIZE|auto] [--json]`: the numbers for a multipart upload,
// each part's Content-Range and checksums, then the archive's.
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { TreeHashError } from '../core/errors.js';
import { toHex } from '../core/hex.js';
import { assertValidPartSize, choosePartSize, partCount } from '../upload/plan.js';
import { hashFileParts } from '../node/parts.js';
import { nodeSha256 } from '../node/crypto.js';
import { type MultipartChecksums, type PartChecksums, type PartHashing } from '../upload/types.js';
import { hashParts } from '../upload/hash-parts.js';
import { printFailure } from './errors.js';
import { fsPath } from './names.js';
import { LineWriter, StdoutWriteError } from './output.js';
import { FORCE_PROGRESS_HELP, PROGRESS_HELP, type ProgressFlags, startProgressBar } from './progress.js';
import { parseValidByteCount } from './retrieval-io.js';

interface PartsOptions extends ProgressFlags {
  partSize: string;
  json?: boolean;
}

/**
 * The `--part-size` option: `auto` (undefined) or a valid part size, refused as an option error
 * (reported by main.ts like every command's option errors, not as a failure of FILE).
 * @throws {TreeHashError} `ERR_INVALID_OPTION` (the size error as `cause`).
 */
function parsePartSizeOption(text: string): number | undefined {
  if (text.trim().toLowerCase() === 'auto') return undefined;
  return parseValidByteCount(text, '--part-size', assertValidPartSize);
}

/**
 * The part size to use: the given one, or for `auto` the smallest valid one for the file's size.
 * For a regular file the upload is checked before reading (empty, too large, too many parts).
 */
async function resolvePartSize(file: string, partSize: number | undefined): Promise<number> {
  const auto = partSize === undefined;
  const info =
    file === '-'
      ? undefined
      : await stat(fsPath(file)).catch((cause: unknown) => {
          throw new TreeHashError('ERR_READ_FAILED', `cannot stat ${file}: ${(cause as Error).message}`, { cause });
        });
  if (info?.isDirectory()) {
    const cause = Object.assign(new Error('EISDIR: illegal operation on a directory'), { code: 'EISDIR' });
    throw new TreeHashError('ERR_READ_FAILED', `cannot hash ${file}: it is a directory`, { cause });
  }
  if (!info?.isFile()) {
    if (auto) throw new TreeHashError('ERR_INVALID_OPTION', `--part-size auto needs a regular file to size; give --part-size SIZE for ${file}`);
    return partSize;
  }
  const chosen = partSize ?? choosePartSize(info.size);
  partCount(info.size, chosen);
  return chosen;
}

function partRow(part: PartChecksums): string {
  return [String(part.index).padStart(5), part.contentRange.padEnd(38), toHex(part.treeHash), toHex(part.sha256)].join('  ');
}

export function register(program: Command): void {
  program
    .command('parts')
    .description("print a multipart upload's numbers for FILE: each part's Content-Range, tree hash and SHA-256, then the archive tree hash")
    .argument('<file>', 'the archive to upload; - reads standard input (needs --part-size SIZE)')
    .option(
      '--part-size <size>',
      'part size, 1MiB to 4GiB in powers of two (e.g. 8MiB, 1GiB, 8388608), or auto: the smallest that keeps ≤ 10,000 parts',
      'auto',
    )
    .option('--json', 'one JSON object: {"file","size","partSize","treeHash","sha256","parts":[{"index","start","end","contentRange","treeHash","sha256"}]}')
    .option('--progress', PROGRESS_HELP)
    .option('--force-progress', FORCE_PROGRESS_HELP)
    .action(async (file: string, options: PartsOptions) => {
      const partSizeOption = parsePartSizeOption(options.partSize);
      let bar: ReturnType<typeof startProgressBar>;
      try {
        const stdin = file === '-';
        const partSize = await resolvePartSize(file, partSizeOption);
        bar = startProgressBar(file, options);
        const onProgress = bar?.onProgress;
        const hashing: PartHashing = stdin
          ? hashParts(process.stdin, { partSize, linear: nodeSha256, onProgress })
          : hashFileParts(fsPath(file), { partSize, onProgress });
        const out = new LineWriter();
        try {
          if (!options.json) {
            await out.write(`${'part'.padStart(5)}  ${'Content-Range'.padEnd(38)}  ${'tree hash'.padEnd(64)}  sha256\n`);
            for await (const part of hashing) {
              bar?.clear(); // the row goes where the bar was; the bar is drawn again below it
              await out.write(`${partRow(part)}\n`);
            }
          }
          const result: MultipartChecksums = await hashing.done();
          bar?.stop();
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
          await out.close();
        }
      } catch (error) {
        bar?.stop();
        if (error instanceof StdoutWriteError) throw error; // stdout's failure, not FILE's: main.ts reports it
        printFailure(file, error);
      } finally {
        bar?.stop(); // also when the reader of stdout went away (a timer left running would keep the process alive)
      }
    });
}
