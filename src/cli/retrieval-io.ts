// Small helpers shared by the retrieval commands (range, plan-download, verify, manifest):
// argument parsing that fails with typed errors, and reading operands (a file, or `-` for
// standard input) with failures that name the operand. Exit codes are in errors.ts.
import { readFile } from 'node:fs/promises';
import { TreeHashError } from '../core/errors.js';
import { parseSize } from '../core/format.js';
import { type LeafManifest, decodeLeafManifest } from '../retrieval/manifest.js';
import { createLeafManifestBuilder } from '../retrieval/manifest-builder.js';
import { MAX_ARCHIVE_SIZE } from '../upload/plan.js';
import { manifestOfFile } from '../node/manifest.js';
import { hashStream } from '../node/files.js';
import type { ProgressCallback } from '../stream/progress.js';
import { fsPath } from './names.js';

/**
 * Parses a byte count given to option `name`: {@link parseSize}'s rules (binary units, e.g.
 * `6815744`, `64MiB`, `4 GiB`; MB/GB refused as ambiguous), reported as a bad option. `max`
 * bounds it (an archive size: {@link MAX_ARCHIVE_SIZE}, as everywhere a size of an archive is taken).
 * @throws {TreeHashError} `ERR_INVALID_OPTION` (the size error as `cause`).
 * @example parseByteCount('64MiB', '--chunk-size') // 67108864
 */
export function parseByteCount(text: string, name: string, max = Number.MAX_SAFE_INTEGER): number {
  let bytes: number;
  try {
    bytes = parseSize(text);
  } catch (cause) {
    throw new TreeHashError('ERR_INVALID_OPTION', `${name}: ${(cause as Error).message}`, { cause });
  }
  if (bytes > max) {
    throw new TreeHashError(
      'ERR_INVALID_OPTION',
      `${name}: at most ${max} bytes${max === MAX_ARCHIVE_SIZE ? ' (10,000 parts × 4 GiB, the largest Glacier archive)' : ''}, got ${bytes}`,
    );
  }
  return bytes;
}

/**
 * A byte count that `assertValid` accepts (a Glacier or S3 part size); what it throws becomes an
 * option error naming `name`. @throws {TreeHashError} `ERR_INVALID_OPTION` (that error as `cause`).
 */
export function parseValidByteCount(text: string, name: string, assertValid: (bytes: number) => void): number {
  const bytes = parseByteCount(text, name);
  try {
    assertValid(bytes);
  } catch (cause) {
    throw new TreeHashError('ERR_INVALID_OPTION', `${name}: ${(cause as Error).message}`, { cause });
  }
  return bytes;
}

/** An archive size option (`--size`): 1 byte to {@link MAX_ARCHIVE_SIZE}. @throws {TreeHashError} `ERR_INVALID_OPTION`. */
export function parseArchiveSize(text: string, name = '--size'): number {
  const size = parseByteCount(text, name, MAX_ARCHIVE_SIZE);
  if (size === 0) throw new TreeHashError('ERR_INVALID_OPTION', `${name}: an archive holds at least 1 byte, got 0`);
  return size;
}

/**
 * A failure of one operand (a file, or standard input): main.ts prints `treehash: NAME: WHY`. The
 * original error is the `cause`.
 */
export class OperandError extends TreeHashError {
  constructor(
    readonly operand: string,
    cause: unknown,
  ) {
    super(cause instanceof TreeHashError ? cause.code : 'ERR_READ_FAILED', cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/** Runs `read` for `operand`; whatever it throws becomes an {@link OperandError} naming the operand. */
export async function forOperand<T>(operand: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw error instanceof OperandError ? error : new OperandError(operand === '-' ? 'standard input' : operand, error);
  }
}

/** Reads all of standard input. */
export async function readStandardInput(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Reads and checks a leaf manifest named on the command line (`-`: standard input).
 * @throws {OperandError} naming it, for a file that cannot be read or is not a manifest.
 */
export function readManifestOperand(path: string): Promise<LeafManifest> {
  return forOperand(path, async () => decodeLeafManifest(path === '-' ? await readStandardInput() : await readFile(fsPath(path))));
}

/**
 * The leaf manifest of a file named on the command line (`-`: standard input).
 * @throws {OperandError} naming it.
 */
export function manifestOfOperand(file: string, onProgress: ProgressCallback | undefined): Promise<LeafManifest> {
  return forOperand(file, async () => {
    if (file !== '-') return manifestOfFile(fsPath(file), { onProgress });
    const builder = createLeafManifestBuilder();
    const { size, treeHash } = await hashStream(process.stdin, { linear: false, onLeaf: builder.onLeaf, onProgress });
    return builder.fromHashed(size, treeHash);
  });
}
