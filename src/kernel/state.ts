// Saved state of kernel instances, in the one saved-state format (src/core/saved-state.ts): a
// kernel's state region taken as a record, a record loaded back into an instance, and the seal
// every state carries — this release's kernel build and the SHA-256 of its check, computed by the
// kernel itself (Wasm: available on every runtime, no node: import).
import { type KernelRecord, type StateSeal } from '../core/saved-state.js';
import { absorbAll, linearDigest } from './drive.js';
import { FLAG_LINEAR, FLAG_NO_TREE, KERNEL_BUILD_SHA256, type Kernel, acquireKernel, releaseKernel } from './wasm.js';

/** The plain SHA-256 of `bytes` on a kernel instance of its own. */
function kernelSha256(bytes: Uint8Array): Uint8Array {
  const kernel = acquireKernel();
  try {
    kernel.exports.init(FLAG_LINEAR | FLAG_NO_TREE);
    absorbAll(kernel, bytes);
    kernel.exports.finish();
    return linearDigest(kernel);
  } finally {
    releaseKernel(kernel);
  }
}

/** What seals and checks every saved state of this release. */
export const STATE_SEAL: StateSeal = { build: KERNEL_BUILD_SHA256, sha256: kernelSha256 };

/** `kernel`'s state as a record (a copy of its region) for `size` bytes hashed. */
export function kernelRecord(kernel: Kernel, size: number, closed: boolean): KernelRecord {
  return { size, closed, region: kernel.memory.slice(kernel.statePtr, kernel.statePtr + kernel.stateSize) };
}

/** Loads a record checked by `decodeState` into `kernel`. */
export function loadRecord(kernel: Kernel, record: KernelRecord): void {
  kernel.memory.set(record.region, kernel.statePtr);
}
