// The AWS SDK v3 Glacier client's `bodyChecksumGenerator`, on this library's kernel. Shared by the
// universal entry (src/aws/index.ts) and the Node one (src/node/aws.ts), which adds file streams.
import { isBytesLike, toBytes } from '../core/bytes.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { toHex } from '../core/hex.js';
import { computeChecksums } from '../hash/one-shot.js';
import type { Checksums } from '../hash/tree-hasher.js';
import { isBlob } from '../web/parts.js';
import { hashBlob } from '../web/streams.js';

/**
 * The request the client passes: an `HttpRequest` whose `body` is what the command was given after
 * serialization (a string for JSON operations; the payload of UploadArchive/UploadMultipartPart).
 */
export interface ChecksumRequest {
  body?: unknown;
}

/**
 * The type of `GlacierClientConfig['bodyChecksumGenerator']`, written without importing the SDK.
 * The second argument (the client's `sha256` and `utf8Decoder`) is accepted and not needed.
 */
export type BodyChecksumGenerator = (request: ChecksumRequest, options?: unknown) => Promise<[string, string]>;

/** @internal Hashes a body that names a file (a Node fs.ReadStream): the Node entry provides it. */
export type FileBodyHasher = (body: { path: unknown; start?: unknown; end?: unknown }) => Promise<Checksums> | undefined;

/** @internal */
export function makeBodyChecksumGenerator(hashFileBody?: FileBodyHasher): BodyChecksumGenerator {
  return async function bodyChecksumGenerator(request: ChecksumRequest): Promise<[string, string]> {
    const body = request?.body;
    let checksums: Checksums | undefined;
    if (isBytesLike(body)) {
      // One-shot: node:crypto in Node (engine 'auto'), the Wasm kernel elsewhere.
      checksums = computeChecksums(toBytes(body));
    } else if (isBlob(body)) {
      checksums = await hashBlob(body);
    } else if (body !== null && typeof body === 'object' && 'path' in body && hashFileBody) {
      checksums = await hashFileBody(body as { path: unknown; start?: unknown; end?: unknown });
    }
    if (checksums === undefined) {
      // A stream that is not a file can only be hashed by reading it, which would leave nothing to send.
      throw new TreeHashError(
        'ERR_INVALID_INPUT',
        'cannot compute Glacier checksums for this body without consuming it: pass a string, Uint8Array/Buffer, ' +
          `ArrayBuffer, Blob${hashFileBody ? ' or a file stream from fs.createReadStream(path)' : ''}; got ${describeValue(body)}`,
      );
    }
    return [toHex(checksums.sha256), toHex(checksums.treeHash)];
  };
}
