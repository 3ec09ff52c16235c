// Web Streams and Blobs: the same in browsers, Deno, Bun, Cloudflare Workers and Node.
import { TreeHashError, describeValue } from '../errors.js';
import type { Checksums } from '../hasher.js';
import { type HashStreamOptions, type TreeChecksum, hashChunks, readerChunks } from '../streaming.js';

/**
 * Tree hash and linear SHA-256 of a Web `ReadableStream` of bytes.
 * @throws {TreeHashError} `ERR_READ_FAILED` when the stream errors (its error as `cause`),
 * `ERR_ABORTED` when the signal fires, `ERR_INVALID_INPUT` for chunks that are not bytes.
 * @example const { treeHash, sha256 } = await hashWebStream((await fetch(url)).body!);
 */
export async function hashWebStream(stream: ReadableStream<unknown>, options?: HashStreamOptions & { linear?: true }): Promise<Checksums>;
export async function hashWebStream(stream: ReadableStream<unknown>, options: HashStreamOptions & { linear: false }): Promise<TreeChecksum>;
export async function hashWebStream(stream: ReadableStream<unknown>, options?: HashStreamOptions): Promise<Checksums | TreeChecksum>;
export async function hashWebStream(stream: ReadableStream<unknown>, options: HashStreamOptions = {}): Promise<Checksums | TreeChecksum> {
  if (stream === null || typeof (stream as { getReader?: unknown })?.getReader !== 'function') {
    throw new TreeHashError('ERR_INVALID_INPUT', `hashWebStream expects a ReadableStream, got ${describeValue(stream)}`);
  }
  return hashChunks(readerChunks(stream), options);
}

/**
 * Tree hash and linear SHA-256 of a `Blob` or `File` (e.g. from an `<input type=file>`), read as a stream.
 * @example const { treeHash } = await hashBlob(input.files[0]);
 */
export async function hashBlob(blob: Blob, options?: HashStreamOptions & { linear?: true }): Promise<Checksums>;
export async function hashBlob(blob: Blob, options: HashStreamOptions & { linear: false }): Promise<TreeChecksum>;
export async function hashBlob(blob: Blob, options?: HashStreamOptions): Promise<Checksums | TreeChecksum>;
export async function hashBlob(blob: Blob, options: HashStreamOptions = {}): Promise<Checksums | TreeChecksum> {
  if (blob === null || typeof (blob as { stream?: unknown })?.stream !== 'function') {
    throw new TreeHashError('ERR_INVALID_INPUT', `hashBlob expects a Blob or File, got ${describeValue(blob)}`);
  }
  return hashWebStream(blob.stream(), options);
}
