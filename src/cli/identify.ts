// `treehash identify VALUE FILE [--json]`: says what kind of checksum VALUE is for FILE — a Glacier
// tree hash, a plain SHA-256 (hex or base64), an MD5, S3's composite SHA-256 or multipart ETag
// (with the part size that reproduces it), a CRC-64/NVME, CRC-32 or CRC-32C — by computing every
// kind VALUE's shape allows, in one read. Exit 0 with the match, 1 when nothing matches (with the
// list of what was tried), 2 when FILE cannot be read.
import type { Command } from 'commander';
import { formatBytes } from '../core/format.js';
import { identifyFile } from '../node/s3-check.js';
import { EXIT_MISMATCH, printFailure } from './errors.js';
import { LineWriter } from './output.js';
import { quoteFileName } from './sums.js';

const NAMES: Record<string, string> = {
  'tree-hash': 'the Glacier tree hash (x-amz-sha256-tree-hash, SHA256TreeHash)',
  sha256: 'the plain SHA-256',
  md5: 'the MD5 (the ETag of a single-part upload)',
  'sha256-composite': "S3's composite ChecksumSHA256 of a multipart upload",
  etag: "S3's multipart ETag",
  crc64nvme: 'the CRC-64/NVME (ChecksumCRC64NVME)',
  crc32: 'the CRC-32 (ChecksumCRC32)',
  crc32c: 'the CRC-32C (ChecksumCRC32C)',
  'crc32-composite': "S3's composite ChecksumCRC32 of a multipart upload",
  'crc32c-composite': "S3's composite ChecksumCRC32C of a multipart upload",
};

function bytes(n: number): string {
  return `${n} byte${n === 1 ? '' : 's'}`;
}

export function register(program: Command): void {
  program
    .command('identify')
    .description(
      'say what kind of checksum VALUE is for FILE: tree-hash, sha256, md5, sha256-composite or etag (with the part size), crc64nvme, crc32, crc32c (exit 0 found, 1 nothing matches, 2 error)',
    )
    .argument('<value>', 'the checksum as printed (hex or base64; an ETag may keep its quotes; -N for multipart values)')
    .argument('<file>', 'the file it should describe; - reads standard input')
    .option('--json', 'print {"match": kind, "partSize"?: bytes}, or {"match": null, "tried": [...]}')
    .action(async (value: string, file: string, options: { json?: boolean }) => {
      let result;
      try {
        result = await identifyFile(value, file === '-' ? '/dev/stdin' : file);
      } catch (error) {
        printFailure(file, error);
        return;
      }
      const out = new LineWriter();
      try {
        const { match } = result;
        if (match === undefined) process.exitCode = EXIT_MISMATCH;
        if (options.json) {
          const json = match
            ? { match: match.kind, ...(match.partSize === undefined ? {} : { partSize: match.partSize }) }
            : { match: null, tried: result.tried, ...(result.unrecognized ? { reason: result.unrecognized } : {}) };
          await out.write(`${JSON.stringify(json)}\n`);
          return;
        }
        if (match) {
          let line = `${value} is ${NAMES[match.kind]} of ${quoteFileName(file)}`;
          if (match.partSize !== undefined) {
            const one = result.size <= match.partSize;
            line += one
              ? `, uploaded as one part (any part size of at least ${bytes(result.size)}, e.g. ${formatBytes(match.partSize)})`
              : ` with parts of ${formatBytes(match.partSize)}`;
          }
          line += ` (${match.encoding})`;
          if (match.alsoMatches.length > 0)
            line += `; it is also ${match.alsoMatches.map((kind) => NAMES[kind]).join(', ')}, which is the same value for this file`;
          await out.write(`${line}\n`);
          return;
        }
        const lines = result.unrecognized
          ? [`${value} matches nothing: ${result.unrecognized}`]
          : [`${value} matches nothing computed from ${quoteFileName(file)} (${bytes(result.size)}); tried:`, ...result.tried.map((what) => `  ${what}`)];
        await out.write(`${lines.join('\n')}\n`);
      } finally {
        await out.close();
      }
    });
}
