// `treehash s3 FILE... [--part-size SIZE] [--json]`: every value S3 reports for each file, in S3's
// own text forms, with the Glacier tree hash and SHA-256, from one read on both cores.
// `treehash s3 FILE --against ATTRIBUTES.json`: the file checked against what S3 printed
// (get-object-attributes or head-object); exit 0 match, 1 mismatch, 2 usage or unreadable input.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { TreeHashError } from '../core/errors.js';
import { formatBytes } from '../core/format.js';
import { toHex } from '../core/hex.js';
import { hashFileForS3, hashStreamForS3 } from '../node/s3.js';
import { verifyFileForS3 } from '../node/s3-check.js';
import { parseS3ObjectAttributes } from '../s3/attributes.js';
import { toBase64 } from '../s3/base64.js';
import type { S3Checksums } from '../s3/checksums.js';
import { formatS3Crc } from '../s3/crc.js';
import { S3_PART_SIZE_PRESET_NAMES, type S3PartSizePreset, assertValidS3PartSize } from '../s3/part-size.js';
import type { ProgressCallback } from '../stream/progress.js';
import { EXIT_MISMATCH, printFailure } from './errors.js';
import { LineWriter } from './output.js';
import { FORCE_PROGRESS_HELP, PROGRESS_HELP, type ProgressFlags, withProgressBar } from './progress.js';
import { parseValidByteCount } from './retrieval-io.js';
import { quoteFileName } from './sums.js';

interface S3Options extends ProgressFlags {
  partSize?: string;
  json?: boolean;
  against?: string;
  crc32?: boolean;
  crc32c?: boolean;
}

/**
 * `--part-size`: a byte count (binary units, e.g. 8MiB, 15MiB, 8388608) from 5 MiB to 5 GiB, or a preset name.
 * @throws {TreeHashError} `ERR_INVALID_OPTION`.
 */
export function parseS3PartSize(text: string): number | S3PartSizePreset {
  const name = text.trim().toLowerCase();
  if ((S3_PART_SIZE_PRESET_NAMES as readonly string[]).includes(name)) return name as S3PartSizePreset;
  return parseValidByteCount(text, '--part-size', assertValidS3PartSize);
}

/** The JSON object of one file: S3's text forms, plus hex for the Glacier values and MD5s. */
function jsonOf(file: string, result: S3Checksums): Record<string, unknown> {
  return {
    file,
    size: result.size,
    partSize: result.partSize,
    parts: result.partCount,
    treeHash: toHex(result.treeHash!),
    sha256: toHex(result.sha256!),
    sha256Base64: toBase64(result.sha256!),
    ...(result.md5 ? { md5: toHex(result.md5) } : {}),
    sha256Composite: result.sha256Composite,
    etag: result.etag,
    crc64nvme: result.crc64nvme,
    ...(result.crc32 ? { crc32: result.crc32 } : {}),
    ...(result.crc32c ? { crc32c: result.crc32c } : {}),
    partChecksums: result.parts.map((part) => ({
      partNumber: part.partNumber,
      start: part.start,
      end: part.end,
      size: part.size,
      sha256: toBase64(part.sha256),
      md5: toHex(part.md5),
      crc64nvme: formatS3Crc('crc64nvme', part.crc64nvme),
      ...(part.crc32 === undefined ? {} : { crc32: formatS3Crc('crc32', part.crc32) }),
      ...(part.crc32c === undefined ? {} : { crc32c: formatS3Crc('crc32c', part.crc32c) }),
    })),
  };
}

/** The human form: one labelled value per line, S3's field names where S3 has one. */
function textOf(file: string, result: S3Checksums): string {
  const parts = `${result.partCount} part${result.partCount === 1 ? '' : 's'} of ${formatBytes(result.partSize)}`;
  const rows: [string, string][] = [
    ['Glacier tree hash (hex)', toHex(result.treeHash!)],
    ['SHA-256 (hex)', toHex(result.sha256!)],
    ['ChecksumSHA256, single PUT', toBase64(result.sha256!)],
    ...(result.md5 ? ([['ETag, single PUT', `"${toHex(result.md5)}"`]] as [string, string][]) : []),
    ['ChecksumSHA256, multipart', result.sha256Composite],
    ['ETag, multipart', `"${result.etag}"`],
    ['ChecksumCRC64NVME', result.crc64nvme],
    ...(result.crc32 ? ([['ChecksumCRC32', result.crc32]] as [string, string][]) : []),
    ...(result.crc32c ? ([['ChecksumCRC32C', result.crc32c]] as [string, string][]) : []),
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 1;
  return [
    `${quoteFileName(file)}: ${result.size} byte${result.size === 1 ? '' : 's'}, ${parts}`,
    ...rows.map(([label, value]) => `  ${`${label}:`.padEnd(width)} ${value}`),
  ].join('\n');
}

function hashOperand(file: string, partSize: number | S3PartSizePreset, options: S3Options, onProgress: ProgressCallback | undefined): Promise<S3Checksums> {
  const hashOptions = { partSize, crc32: options.crc32 === true, crc32c: options.crc32c === true, ...(onProgress ? { onProgress } : {}) };
  return file === '-' ? hashStreamForS3(process.stdin, hashOptions) : hashFileForS3(file, hashOptions);
}

export function register(program: Command): void {
  program
    .command('s3')
    .description(
      "print the values S3 reports for each FILE (composite ChecksumSHA256, multipart ETag, ChecksumCRC64NVME) with its Glacier tree hash and SHA-256, from one read; or with --against, check FILE against S3's attributes (exit 0 match, 1 mismatch, 2 error)",
    )
    .argument('<file...>', 'files to hash; - reads standard input')
    .option(
      '--part-size <size>',
      `the upload's part size, 5MiB to 5GiB (e.g. 8MiB, 15MiB, 16777216), or a preset: ${S3_PART_SIZE_PRESET_NAMES.join(', ')} (default: 8MiB, as aws-cli and boto3)`,
    )
    .option('--crc32', 'also the full-object ChecksumCRC32')
    .option('--crc32c', 'also the full-object ChecksumCRC32C')
    .option(
      '--against <json>',
      '(- reads standard input) check the one FILE against the JSON of `aws s3api get-object-attributes --object-attributes ETag Checksum ObjectParts ObjectSize` or `aws s3api head-object --checksum-mode ENABLED`',
    )
    .option(
      '--json',
      'one JSON object per file: {"file","size","partSize","parts","treeHash","sha256","sha256Base64","sha256Composite","etag","crc64nvme","partChecksums":[…]}',
    )
    .option('--progress', PROGRESS_HELP)
    .option('--force-progress', FORCE_PROGRESS_HELP)
    .action(async (files: string[], options: S3Options) => {
      const partSize = options.partSize === undefined ? undefined : parseS3PartSize(options.partSize);
      if (options.against !== undefined) {
        if (files.length !== 1) throw new TreeHashError('ERR_INVALID_OPTION', `--against checks one FILE, got ${files.length}`);
        if (files[0] === '-' && options.against === '-') throw new TreeHashError('ERR_INVALID_OPTION', 'FILE and --against cannot both be standard input');
        if (typeof partSize === 'string') throw new TreeHashError('ERR_INVALID_OPTION', '--against takes --part-size as a byte count, not a preset');
        await checkAgainst(files[0]!, options.against, partSize, options);
        return;
      }
      const out = new LineWriter();
      for (const [i, file] of files.entries()) {
        let result: Awaited<ReturnType<typeof hashOperand>>;
        try {
          result = await withProgressBar(file, options, (onProgress) => hashOperand(file, partSize ?? 'aws-cli', options, onProgress));
        } catch (error) {
          printFailure(file, error);
          continue;
        }
        // Outside the try: a failure to write stdout stops at once (main.ts reports it, exit 2).
        await out.write(options.json ? `${JSON.stringify(jsonOf(file, result))}\n` : `${i > 0 ? '\n' : ''}${textOf(file, result)}\n`);
      }
      await out.close();
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function checkAgainst(file: string, jsonPath: string, partSize: number | undefined, options: S3Options): Promise<void> {
  let text: string;
  try {
    text = jsonPath === '-' ? await readStdin() : await readFile(jsonPath, 'utf8');
  } catch (cause) {
    throw new TreeHashError('ERR_READ_FAILED', `cannot read ${jsonPath}: ${(cause as Error).message}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new TreeHashError('ERR_INVALID_ATTRIBUTES', `${quoteFileName(jsonPath)} is not JSON: ${(cause as Error).message}`, { cause });
  }
  const attributes = parseS3ObjectAttributes(json);
  const result = await withProgressBar(file, options, (onProgress) =>
    verifyFileForS3(file, attributes, { ...(partSize === undefined ? {} : { partSize }), ...(onProgress ? { onProgress } : {}) }),
  );
  if (!result.ok) process.exitCode = EXIT_MISMATCH;
  const out = new LineWriter();
  try {
    if (options.json) {
      const { ok, checked, mismatches, skipped, partSizeFrom } = result;
      await out.write(
        `${JSON.stringify({ file, ok, size: result.computed.size, partSize: result.partSize, partSizeFrom, checked, mismatches, skipped, ...(result.search ? { partSizesTried: result.search.tried } : {}) })}\n`,
      );
      return;
    }
    const how = result.search
      ? 'the first one tried'
      : { option: 'given', attributes: "from S3's part list", search: 'found by search', 'single part': 'one part', 'not multipart': 'single PUT' }[
          result.partSizeFrom
        ];
    const lines = [
      result.ok
        ? `${quoteFileName(file)}: OK (${result.checked.length} value${result.checked.length === 1 ? '' : 's'} match S3's; part size ${formatBytes(result.partSize)}, ${how})`
        : `${quoteFileName(file)}: FAILED: ${result.mismatches.length} of ${result.checked.length} values differ from S3's (part size ${formatBytes(result.partSize)}, ${how})`,
      ...result.mismatches.map((mismatch) => `  ${mismatch.message}`),
      ...(result.search ? [`  no part size reproduces S3's multipart value; tried: ${result.search.tried.join('; ')}`] : []),
      ...result.skipped.map((why) => `  not checked: ${why}`),
    ];
    await out.write(`${lines.join('\n')}\n`);
  } finally {
    await out.close();
  }
}
