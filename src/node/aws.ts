// glacier-treehash/aws under Node: the universal generator plus file streams (fs.ReadStream),
// hashed by path so the stream itself stays unread for the upload, as @aws-sdk/body-checksum-node does.
import { TreeHashError, describeValue } from '../core/errors.js';
import { type BodyChecksumGenerator, makeBodyChecksumGenerator } from '../aws/generator.js';
import { hashFile } from './files.js';

export type { BodyChecksumGenerator, ChecksumRequest } from '../aws/generator.js';

function position(value: unknown, name: string): number | undefined {
  // fs.ReadStream keeps `end: Infinity` when no end was given.
  if (value === undefined || value === Infinity) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new TreeHashError('ERR_INVALID_INPUT', `the file stream's ${name} must be a non-negative integer, got ${describeValue(value)}`);
  }
  return value as number;
}

/**
 * Computes `[x-amz-content-sha256, x-amz-sha256-tree-hash]` (lowercase hex) for a Glacier request
 * body, with the signature of `GlacierClientConfig.bodyChecksumGenerator`. Bodies: strings (UTF-8),
 * Uint8Array/Buffer and other typed arrays, ArrayBuffer, Blob/File, and `fs.createReadStream(path,
 * { start, end })` streams, hashed by path over the same inclusive range without reading the stream.
 * @throws {TreeHashError} `ERR_INVALID_INPUT` for a stream without a path (it cannot be hashed without
 *   consuming it), and for a file stream already read from, ended or destroyed (it would not send
 *   the file's bytes); `ERR_READ_FAILED` when the file cannot be read; `ERR_INVALID_RANGE` for a range
 *   outside the file.
 * @example
 * import { GlacierClient, UploadArchiveCommand } from '@aws-sdk/client-glacier';
 * import { bodyChecksumGenerator } from 'glacier-treehash/aws';
 * const glacier = new GlacierClient({ region: 'us-east-1', bodyChecksumGenerator });
 * await glacier.send(new UploadArchiveCommand({ vaultName: 'photos', body: fs.createReadStream('2024.tar') }));
 */
export const bodyChecksumGenerator: BodyChecksumGenerator = makeBodyChecksumGenerator((body) => {
  const { path } = body;
  if (typeof path !== 'string' && !(path instanceof URL) && !Buffer.isBuffer(path)) return undefined;
  // Hashing by path is right only while the stream will still yield every byte of its range.
  const stream = body as { readableDidRead?: unknown; readableEnded?: unknown; destroyed?: unknown };
  if (stream.readableDidRead === true || stream.readableEnded === true || stream.destroyed === true) {
    throw new TreeHashError(
      'ERR_INVALID_INPUT',
      `the file stream of ${String(path)} has already been ${stream.readableDidRead === true ? 'read from' : 'closed'}: it would no longer send the bytes ` +
        'its path names, so its checksums cannot be computed from the file; pass a fresh fs.createReadStream(path, { start, end })',
    );
  }
  const start = position(body.start, 'start');
  const end = position(body.end, 'end');
  return hashFile(path, { ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) });
});
