// glacier-treehash/aws: a drop-in `bodyChecksumGenerator` for @aws-sdk/client-glacier. This is the
// universal build (browsers, workers, edge); under Node the package's "node" export condition loads
// src/node/aws.ts instead, which also hashes file streams.
import { type BodyChecksumGenerator, makeBodyChecksumGenerator } from './generator.js';

export type { BodyChecksumGenerator, ChecksumRequest } from './generator.js';

/**
 * Computes `[x-amz-content-sha256, x-amz-sha256-tree-hash]` (lowercase hex) for a Glacier request
 * body, with the signature of `GlacierClientConfig.bodyChecksumGenerator`. Bodies: strings (UTF-8;
 * the JSON bodies of other operations too), Uint8Array and other typed arrays, ArrayBuffer, Blob/File
 * (read without being consumed); under Node also `fs.createReadStream(path)` streams (hashed by path,
 * the stream left untouched for the upload, as the SDK's own Node generator does).
 * @throws {TreeHashError} `ERR_INVALID_INPUT` for a body it cannot hash without consuming it (a
 *   stream that is not a file); `ERR_READ_FAILED` when a file or Blob cannot be read.
 * @example
 * import { GlacierClient } from '@aws-sdk/client-glacier';
 * import { bodyChecksumGenerator } from 'glacier-treehash/aws';
 * const glacier = new GlacierClient({ region: 'us-east-1', bodyChecksumGenerator });
 */
export const bodyChecksumGenerator: BodyChecksumGenerator = makeBodyChecksumGenerator();
