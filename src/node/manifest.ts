// Leaf manifests of files on disk.
import { readFile, writeFile } from 'node:fs/promises';
import { TreeHashError } from '../core/errors.js';
import { optionsObject } from '../core/options.js';
import { type LeafManifest, decodeLeafManifest } from '../retrieval/manifest.js';
import { createLeafManifestBuilder } from '../retrieval/manifest-builder.js';
import type { ProgressCallback } from '../stream/progress.js';
import { hashFile } from './files.js';

/** Options of {@link manifestOfFile}. */
export interface ManifestOfFileOptions {
  signal?: AbortSignal;
  /** Progress as the file is hashed, as {@link hashFile}'s `onProgress` (`total` is the file's size). */
  onProgress?: ProgressCallback;
}

/**
 * The leaf manifest of a file (one read, tree hash and every leaf digest together).
 * @throws {TreeHashError} `ERR_READ_FAILED` when the file cannot be read; `ERR_ABORTED`;
 *   `ERR_INVALID_OPTION` for an `onProgress` that is not a function; the `onProgress` callback's own error.
 * @example const manifest = await manifestOfFile('archive.tar', { onProgress: ({ bytes }) => console.error(bytes) })
 */
export async function manifestOfFile(path: string | URL | Buffer, given?: ManifestOfFileOptions): Promise<LeafManifest> {
  const options = optionsObject<ManifestOfFileOptions>(given, 'the options of manifestOfFile');
  const builder = createLeafManifestBuilder();
  const { size, treeHash } = await hashFile(path, {
    linear: false,
    onLeaf: builder.onLeaf,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
  });
  return builder.fromHashed(size, treeHash);
}

/**
 * Reads and checks a manifest file.
 * @throws {TreeHashError} `ERR_READ_FAILED` when it cannot be read; `ERR_INVALID_MANIFEST`.
 * @example const manifest = await readLeafManifest('archive.tar.manifest')
 */
export async function readLeafManifest(path: string | URL | Buffer): Promise<LeafManifest> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new TreeHashError('ERR_READ_FAILED', `cannot read manifest ${String(path)}: ${(cause as Error).message}`, { cause });
  }
  return decodeLeafManifest(bytes);
}

/**
 * Writes a manifest file.
 * @throws {TreeHashError} `ERR_WRITE_FAILED` when it cannot be written.
 * @example await writeLeafManifest('archive.tar.manifest', await manifestOfFile('archive.tar'))
 */
export async function writeLeafManifest(path: string | URL | Buffer, manifest: LeafManifest): Promise<void> {
  try {
    await writeFile(path, manifest.encode());
  } catch (cause) {
    throw new TreeHashError('ERR_WRITE_FAILED', `cannot write manifest ${String(path)}: ${(cause as Error).message}`, { cause });
  }
}
