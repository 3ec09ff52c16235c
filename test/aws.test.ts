// The AWS SDK v3 drop-in, checked with the real @aws-sdk/client-glacier: each request is signed and
// captured by a request handler that never touches the network, and its checksum headers are
// compared with the oracle and with what the same client computes with its own default generator.
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CompleteMultipartUploadCommand,
  GlacierClient,
  InitiateJobCommand,
  UploadArchiveCommand,
  UploadMultipartPartCommand,
  type GlacierClientConfig,
} from '@aws-sdk/client-glacier';
import { TreeHashError } from '../src/core/errors.js';
import { bodyChecksumGenerator as universalGenerator } from '../src/aws/index.js';
import { bodyChecksumGenerator } from '../src/node/aws.js';
import { hashFileParts } from '../src/node/parts.js';
import { toHex } from '../src/core/hex.js';
import { MIB, mod251, referenceSha256Hex, referenceTreeHashHex } from './reference.js';

const dir = mkdtempSync(join(tmpdir(), 'treehash-aws-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Captured {
  headers: Record<string, string>;
  body: Uint8Array;
}

/** A Glacier client whose requests end in `captured` (body read in full, as a real handler would). */
function captureClient(generator?: GlacierClientConfig['bodyChecksumGenerator']) {
  const captured: Captured[] = [];
  const requestHandler = {
    async handle(request: { headers: Record<string, string>; body?: unknown }) {
      const { body } = request;
      let bytes: Uint8Array;
      if (body === undefined || body === null) bytes = new Uint8Array(0);
      else if (typeof body === 'string') bytes = new TextEncoder().encode(body);
      else if (body instanceof Uint8Array) bytes = body;
      else if (body instanceof Blob) bytes = new Uint8Array(await body.arrayBuffer());
      else {
        const chunks: Uint8Array[] = [];
        for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
        bytes = new Uint8Array(Buffer.concat(chunks));
      }
      captured.push({ headers: { ...request.headers }, body: bytes });
      return {
        response: {
          statusCode: 201,
          headers: { 'x-amz-archive-id': 'archive-id', location: '/-/vaults/v/archives/archive-id', 'x-amz-sha256-tree-hash': 'ff', 'x-amz-job-id': 'job' },
          body: Readable.from([]),
        },
      };
    },
  };
  const client = new GlacierClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    requestHandler,
    ...(generator ? { bodyChecksumGenerator: generator } : {}),
  });
  return { client, captured };
}

/** Byte equality without vitest's element-by-element diff (slow on megabytes). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function checksumHeaders(c: Captured) {
  return { linear: c.headers['x-amz-content-sha256'], tree: c.headers['x-amz-sha256-tree-hash'] };
}

const randomish = (size: number) => {
  const out = mod251(size);
  for (let i = 0; i < size; i += 4099) out[i] = (i * 2654435761) >>> 24; // break the 251 period
  return out;
};

describe('bodyChecksumGenerator with @aws-sdk/client-glacier', () => {
  const data = randomish(6_815_744 + 13);
  const path = join(dir, 'archive.bin');
  writeFileSync(path, data);

  /** Sends `make()` through a client with our generator and one with the SDK default; returns both captures. */
  async function both(make: () => unknown) {
    const ours = captureClient(bodyChecksumGenerator);
    const theirs = captureClient();
    await ours.client.send(make() as never);
    await theirs.client.send(make() as never);
    return { ours: ours.captured[0]!, theirs: theirs.captured[0]! };
  }

  it('UploadArchive with a file stream: same headers as the SDK, the oracle, and the stream still sends every byte', async () => {
    const { ours, theirs } = await both(() => new UploadArchiveCommand({ accountId: '-', vaultName: 'v', body: createReadStream(path) }));
    expect(checksumHeaders(ours)).toEqual({ linear: referenceSha256Hex(data), tree: referenceTreeHashHex(data) });
    expect(checksumHeaders(ours)).toEqual(checksumHeaders(theirs));
    expect(sameBytes(ours.body, data)).toBe(true);
    // Both headers are signed (SigV4 canonical request), as Glacier requires.
    expect(ours.headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-content-sha256;[^,]*x-amz-sha256-tree-hash/);
  });

  it("UploadMultipartPart with a file range stream: the part's headers", async () => {
    const start = 2 * MIB;
    const end = 4 * MIB - 1;
    const part = data.subarray(start, end + 1);
    const { ours, theirs } = await both(
      () =>
        new UploadMultipartPartCommand({
          accountId: '-',
          vaultName: 'v',
          uploadId: 'upload',
          range: `bytes ${start}-${end}/*`,
          body: createReadStream(path, { start, end }),
        }),
    );
    expect(checksumHeaders(ours)).toEqual({ linear: referenceSha256Hex(part), tree: referenceTreeHashHex(part) });
    expect(checksumHeaders(ours)).toEqual(checksumHeaders(theirs));
    expect(ours.headers['content-range']).toBe(`bytes ${start}-${end}/*`);
    expect(sameBytes(ours.body, part)).toBe(true);
  });

  it('UploadArchive with bytes, a Buffer and a string (UTF-8)', async () => {
    for (const body of [data.subarray(0, 3 * MIB + 5), Buffer.from(data.subarray(0, MIB)), 'Welcome to Amazon Glacier.', 'héllo wörld ✓']) {
      const { ours, theirs } = await both(() => new UploadArchiveCommand({ accountId: '-', vaultName: 'v', body: body as Uint8Array }));
      const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
      expect(checksumHeaders(ours)).toEqual({ linear: referenceSha256Hex(bytes), tree: referenceTreeHashHex(bytes) });
      expect(checksumHeaders(ours)).toEqual(checksumHeaders(theirs));
    }
    const { ours } = await both(() => new UploadArchiveCommand({ accountId: '-', vaultName: 'v', body: 'Welcome to Amazon Glacier.' }));
    expect(ours.headers['x-amz-sha256-tree-hash']).toBe('726e392cb4d09924dbad1cc0ba3b00c3643d03d14cb4b823e2f041cff612a628');
  });

  it('JSON bodies of other operations (InitiateJob) get the same headers as with the SDK', async () => {
    const { ours, theirs } = await both(
      () =>
        new InitiateJobCommand({
          accountId: '-',
          vaultName: 'v',
          jobParameters: { Type: 'archive-retrieval', ArchiveId: 'a', RetrievalByteRange: '0-1048575' },
        }),
    );
    expect(ours.headers['x-amz-content-sha256']).toBe(referenceSha256Hex(ours.body));
    expect(checksumHeaders(ours)).toEqual(checksumHeaders(theirs));
  });

  it('hashes a Blob body, which the SDK default refuses in Node', async () => {
    const blob = new Blob([data as Uint8Array<ArrayBuffer>]);
    const ours = captureClient(bodyChecksumGenerator);
    await ours.client.send(new UploadArchiveCommand({ accountId: '-', vaultName: 'v', body: blob as never }));
    expect(checksumHeaders(ours.captured[0]!)).toEqual({ linear: referenceSha256Hex(data), tree: referenceTreeHashHex(data) });
    expect(sameBytes(ours.captured[0]!.body, data)).toBe(true);
    const theirs = captureClient();
    await expect(theirs.client.send(new UploadArchiveCommand({ accountId: '-', vaultName: 'v', body: blob as never }))).rejects.toThrow(/non-file streams/);
  });
});

describe('a whole multipart upload through the client', () => {
  it('hashFileParts numbers match what the client sends for every part, and CompleteMultipartUpload carries the archive hash', async () => {
    const data = randomish(5 * MIB + 777);
    const path = join(dir, 'multipart.bin');
    writeFileSync(path, data);
    const { client, captured } = captureClient(bodyChecksumGenerator);
    const hashing = hashFileParts(path, { partSize: 2 * MIB });
    for await (const part of hashing) {
      await client.send(
        new UploadMultipartPartCommand({
          accountId: '-',
          vaultName: 'v',
          uploadId: 'upload',
          range: part.contentRange,
          body: createReadStream(path, { start: part.start, end: part.end }),
        }),
      );
      const sent = captured.at(-1)!;
      expect(sent.headers['content-range']).toBe(part.contentRange);
      expect(checksumHeaders(sent)).toEqual({ linear: toHex(part.sha256), tree: toHex(part.treeHash) });
      expect(checksumHeaders(sent)).toEqual({
        linear: referenceSha256Hex(data.subarray(part.start, part.end + 1)),
        tree: referenceTreeHashHex(data.subarray(part.start, part.end + 1)),
      });
    }
    const { treeHash, size } = await hashing.done();
    await client.send(
      new CompleteMultipartUploadCommand({ accountId: '-', vaultName: 'v', uploadId: 'upload', archiveSize: String(size), checksum: toHex(treeHash) }),
    );
    const complete = captured.at(-1)!;
    expect(complete.headers['x-amz-archive-size']).toBe(String(data.length));
    expect(complete.headers['x-amz-sha256-tree-hash']).toBe(referenceTreeHashHex(data));
    expect(captured).toHaveLength(4);
  });
});

describe('bodyChecksumGenerator directly', () => {
  it('handles ArrayBuffer, DataView, an empty body, and file streams with start and end', async () => {
    const data = mod251(MIB + 7);
    const path = join(dir, 'direct.bin');
    writeFileSync(path, data);
    const expected = (bytes: Uint8Array) => [referenceSha256Hex(bytes), referenceTreeHashHex(bytes)];
    expect(await bodyChecksumGenerator({ body: data.slice().buffer })).toEqual(expected(data));
    expect(await bodyChecksumGenerator({ body: new DataView(data.buffer, 5, 100) })).toEqual(expected(data.subarray(5, 105)));
    expect(await bodyChecksumGenerator({ body: new Uint8Array(0) })).toEqual(expected(new Uint8Array(0)));
    expect(await bodyChecksumGenerator({ body: createReadStream(path, { start: 3 }) })).toEqual(expected(data.subarray(3)));
    expect(await bodyChecksumGenerator({ body: createReadStream(path, { end: 9 }) })).toEqual(expected(data.subarray(0, 10)));
    // The stream is left for the upload: it still yields every byte.
    const stream = createReadStream(path);
    await bodyChecksumGenerator({ body: stream });
    expect(sameBytes(Buffer.concat(await stream.toArray()), readFileSync(path))).toBe(true);
  });

  it('refuses streams it would have to consume, and files it cannot read, with codes', async () => {
    const refusal = await bodyChecksumGenerator({ body: Readable.from([new Uint8Array(3)]) }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(TreeHashError);
    expect((refusal as TreeHashError).code).toBe('ERR_INVALID_INPUT');
    const universal = await universalGenerator({ body: createReadStream(join(dir, 'direct.bin')) }).catch((e: unknown) => e);
    expect((universal as TreeHashError).code).toBe('ERR_INVALID_INPUT');
    const missing = await bodyChecksumGenerator({ body: { path: join(dir, 'missing.bin') } }).catch((e: unknown) => e);
    expect((missing as TreeHashError).code).toBe('ERR_READ_FAILED');
  });

  it('the universal build handles strings, bytes and Blobs', async () => {
    const data = mod251(2 * MIB + 1);
    const expected = [referenceSha256Hex(data), referenceTreeHashHex(data)];
    expect(await universalGenerator({ body: data })).toEqual(expected);
    expect(await universalGenerator({ body: new Blob([data as Uint8Array<ArrayBuffer>]) })).toEqual(expected);
    expect(await universalGenerator({ body: 'bar' })).toEqual([
      'fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9',
      'fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9',
    ]);
  });
});
