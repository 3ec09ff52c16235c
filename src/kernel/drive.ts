// The loops that drive a kernel instance, written once: bytes copied into its input window and
// absorbed, digests pushed onto its tree stack, results read from its output region.
import { DIGEST_LENGTH } from '../core/constants.js';
import type { Kernel } from './wasm.js';

/** Absorbs `bytes` in input-window-sized pieces (each copied once into Wasm memory). */
export function absorbAll(kernel: Kernel, bytes: Uint8Array): void {
  for (let offset = 0; offset < bytes.length; offset += kernel.inputCapacity) {
    const piece = bytes.subarray(offset, Math.min(offset + kernel.inputCapacity, bytes.length));
    kernel.memory.set(piece, kernel.inputPtr);
    kernel.exports.absorb(0, piece.length);
  }
}

/** Pushes a 32-byte digest as a node of `level` (0: a leaf) onto the tree stack; returns the kernel's status (0: ok). */
export function pushDigest(kernel: Kernel, digest: Uint8Array, level = 0): number {
  kernel.memory.set(digest, kernel.nodeInputPtr);
  return kernel.exports.pushNode(level);
}

/** After finish(): the tree hash (a copy). */
export function treeRoot(kernel: Kernel): Uint8Array {
  return kernel.memory.slice(kernel.outputPtr, kernel.outputPtr + DIGEST_LENGTH);
}

/** After finish() of a linear state: the linear SHA-256 (a copy). */
export function linearDigest(kernel: Kernel): Uint8Array {
  return kernel.memory.slice(kernel.outputPtr + DIGEST_LENGTH, kernel.outputPtr + 2 * DIGEST_LENGTH);
}
