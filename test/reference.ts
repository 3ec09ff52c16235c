/**
 * The independent oracle: the Glacier tree hash built the naive way, level by level, exactly as
 * the developer guide ("Computing Checksums") describes it, on @noble/hashes. It shares no code
 * with the product: no kernel, no stack, no combine helper.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

export const MIB = 1024 * 1024;

/** SHA-256 of each 1 MiB chunk (one empty leaf for empty input). */
export function referenceLeafDigests(data: Uint8Array): Uint8Array[] {
  if (data.length === 0) return [sha256(new Uint8Array(0))];
  const leaves: Uint8Array[] = [];
  for (let offset = 0; offset < data.length; offset += MIB) {
    leaves.push(sha256(data.subarray(offset, Math.min(offset + MIB, data.length))));
  }
  return leaves;
}

/** Pairs neighbours level by level; an unpaired node is carried up unchanged. */
export function referenceRoot(nodes: Uint8Array[]): Uint8Array {
  if (nodes.length === 0) throw new Error('no nodes');
  let level = nodes;
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      if (i + 1 < level.length) {
        const pair = new Uint8Array(64);
        pair.set(level[i]!, 0);
        pair.set(level[i + 1]!, 32);
        next.push(sha256(pair));
      } else {
        next.push(level[i]!);
      }
    }
    level = next;
  }
  return level[0]!;
}

export function referenceTreeHash(data: Uint8Array): Uint8Array {
  return referenceRoot(referenceLeafDigests(data));
}

export function referenceTreeHashHex(data: Uint8Array): string {
  return bytesToHex(referenceTreeHash(data));
}

export function referenceSha256Hex(data: Uint8Array): string {
  return bytesToHex(sha256(data));
}

/** Content where every 1 MiB leaf differs: byte i = i mod 251 (251 is prime, so coprime with 2^20). */
export function mod251(size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = i % 251;
  return out;
}
