// S3's per-part values as a pool stream kernel (kernels.ts: names starting with 's3-parts:'): the
// worker that holds it runs the current part's hashes over the slots in order and cuts them at
// each part boundary (anywhere in a slot: S3 part sizes are any whole number of bytes); its digest
// is every part's values one after another, which s3.ts splits. CRCs run in the Wasm kernel (each
// piece copied into its input window), the rest in node:crypto.
import { type Hash, createHash } from 'node:crypto';
import type { StreamKernel } from './kernels.js';

/** What a part's record holds, in this order: the algorithms named, each this many bytes. */
export const S3_PART_VALUE_BYTES: Readonly<Record<string, number>> = Object.freeze({ sha256: 32, md5: 16, crc64nvme: 8, crc32: 4, crc32c: 4 });

type CrcName = 'crc64nvme' | 'crc32' | 'crc32c';

/** The stream kernel name for parts of `partSize` bytes and these algorithms (see {@link S3_PART_VALUE_BYTES}). */
export function s3PartsKernelName(partSize: number, algorithms: readonly string[]): string {
  return `s3-parts:${partSize}:${algorithms.join(',')}`;
}

export async function s3PartsKernel(name: string): Promise<StreamKernel> {
  const [, size, list] = name.split(':');
  const partSize = Number(size);
  const algorithms = list!.split(',');
  const crcs = algorithms.filter((a): a is CrcName => a === 'crc64nvme' || a === 'crc32' || a === 'crc32c');
  const hashes = algorithms.filter((a) => a === 'sha256' || a === 'md5');
  type Crc = typeof import('../../s3/crc.js');
  let window:
    | { kernel: ReturnType<Crc['acquireCrcKernel']>; release: Crc['releaseCrcKernel']; crcInWindow: Crc['crcInWindow']; crcToBytes: Crc['crcToBytes'] }
    | undefined;
  if (crcs.length > 0) {
    const { acquireCrcKernel, releaseCrcKernel, crcInWindow, crcToBytes } = await import('../../s3/crc.js');
    window = { kernel: acquireCrcKernel(), release: releaseCrcKernel, crcInWindow, crcToBytes };
  }
  const zero = (a: CrcName): bigint | number => (a === 'crc64nvme' ? 0n : 0);
  let current = new Map<string, Hash>(hashes.map((a) => [a, createHash(a)]));
  let crcValues = new Map<CrcName, bigint | number>(crcs.map((a) => [a, zero(a)]));
  let fill = 0;
  let parts = 0;
  const records: Uint8Array[] = [];
  const endPart = (): void => {
    for (const algorithm of algorithms) {
      const hash = current.get(algorithm);
      records.push(hash ? new Uint8Array(hash.digest()) : window!.crcToBytes(algorithm as CrcName, crcValues.get(algorithm as CrcName) as never));
    }
    current = new Map(hashes.map((a) => [a, createHash(a)]));
    crcValues = new Map(crcs.map((a) => [a, zero(a)]));
    fill = 0;
    parts++;
  };
  return {
    update(bytes) {
      for (let offset = 0; offset < bytes.length;) {
        const n = Math.min(bytes.length - offset, partSize - fill);
        const piece = bytes.subarray(offset, offset + n);
        for (const hash of current.values()) hash.update(piece);
        if (window) {
          const { kernel } = window;
          kernel.memory.set(piece, kernel.inputPtr); // a slot is at most the kernel's window (4 MiB)
          for (const algorithm of crcs) crcValues.set(algorithm, window.crcInWindow(kernel, algorithm, crcValues.get(algorithm)! as never, 0, n));
        }
        offset += n;
        fill += n;
        if (fill === partSize) endPart();
      }
    },
    digest() {
      if (fill > 0 || parts === 0) endPart();
      const out = new Uint8Array(records.reduce((total, record) => total + record.length, 0));
      records.reduce((at, record) => (out.set(record, at), at + record.length), 0);
      if (window) window.release(window.kernel);
      return out;
    },
  };
}
