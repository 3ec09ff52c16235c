import { describe, expect, it } from 'vitest';
import { TreeHashError } from '../src/core/errors.js';
import { toHex } from '../src/core/hex.js';
import { hashBlob, hashWebStream } from '../src/web/streams.js';
import { MIB, mod251, referenceSha256Hex, referenceTreeHashHex } from './reference.js';

function streamOf(data: Uint8Array, chunk: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= data.length) return controller.close();
      controller.enqueue(data.slice(offset, offset + chunk));
      offset += chunk;
    },
  });
}

describe('Web Streams and Blobs', () => {
  const data = mod251(6 * MIB + 1234);

  it('hashWebStream matches the reference for several chunk sizes', async () => {
    for (const chunk of [1000, 65536, 3 * MIB]) {
      const result = await hashWebStream(streamOf(data, chunk));
      expect(toHex(result.treeHash)).toBe(referenceTreeHashHex(data));
      expect(toHex(result.sha256)).toBe(referenceSha256Hex(data));
      expect(result.size).toBe(data.length);
    }
  });

  it('hashBlob matches the reference, empty Blob included', async () => {
    const result = await hashBlob(new Blob([data.subarray(0, MIB), data.subarray(MIB)]));
    expect(toHex(result.treeHash)).toBe(referenceTreeHashHex(data));
    const empty = await hashBlob(new Blob([]), { linear: false });
    expect(toHex(empty.treeHash)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('a failing stream rejects with ERR_READ_FAILED; an abort cancels the source', async () => {
    const failing = new ReadableStream({
      start(controller) {
        controller.enqueue(new Uint8Array(10));
        controller.error(new Error('connection reset'));
      },
    });
    const error = await hashWebStream(failing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TreeHashError);
    expect((error as TreeHashError).code).toBe('ERR_READ_FAILED');

    let cancelled = false;
    const controller = new AbortController();
    const endless = new ReadableStream({
      pull(c) {
        c.enqueue(new Uint8Array(65536));
        controller.abort();
      },
      cancel() {
        cancelled = true;
      },
    });
    const aborted = await hashWebStream(endless, { signal: controller.signal }).catch((e: unknown) => e);
    expect((aborted as TreeHashError).code).toBe('ERR_ABORTED');
    expect(cancelled).toBe(true);
  });

  it('rejects what is not a stream or Blob', async () => {
    await expect(hashWebStream(42 as never)).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    await expect(hashBlob('text' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
  });
});
