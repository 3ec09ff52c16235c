// The work a pool worker can do on a slot, by name (protocol.ts: SlotKernelSpec, StreamKernelSpec).
// This is the extension point: another per-slot value computed in the same read (a CRC of each
// slot, combined in order on the main thread; a per-part MD5) is one more entry here and one more
// spec in the run the main thread starts. Runs in worker threads only.
import { createHash, type Hash } from 'node:crypto';
import { DIGEST_LENGTH, LEAF_SIZE } from '../../core/constants.js';

/**
 * Work on one slot, in any order, by whichever worker claims the slot: reads `bytes` (the slot's
 * filled part) and writes its result at `output` (the slot's output area, `outputStride` bytes).
 */
export interface SlotKernel {
  run(bytes: Uint8Array, output: Uint8Array): void;
}

/** One running hash over the seqs in order, held by one worker across rejoins. */
export interface StreamKernel {
  update(bytes: Uint8Array): void;
  digest(): Uint8Array;
}

/** node:crypto's SHA-256 of each whole or partial 1 MiB leaf, 32 bytes each, in order. */
const nativeLeaves: SlotKernel = {
  run(bytes, output) {
    for (let at = 0, i = 0; at < bytes.length; at += LEAF_SIZE, i++) {
      output.set(
        createHash('sha256')
          .update(bytes.subarray(at, at + LEAF_SIZE))
          .digest(),
        i * DIGEST_LENGTH,
      );
    }
  },
};

/** The Wasm kernel's leaves (SIMD: four at once): the same output as nativeLeaves. Slots hold at most the kernel's input window (4 MiB). */
async function wasmLeaves(scalar: boolean): Promise<SlotKernel> {
  const { acquireKernel } = await import('../../kernel/wasm.js');
  const kernel = acquireKernel(scalar ? 'scalar' : 'simd');
  const { exports, memory, inputPtr, leafDigestsPtr } = kernel;
  return {
    run(bytes, output) {
      exports.init(0);
      memory.set(bytes, inputPtr);
      const whole = exports.absorbTree(0, bytes.length);
      output.set(memory.subarray(leafDigestsPtr, leafDigestsPtr + whole * DIGEST_LENGTH), 0);
      if (bytes.length % LEAF_SIZE !== 0) {
        exports.finish();
        output.set(memory.subarray(leafDigestsPtr, leafDigestsPtr + DIGEST_LENGTH), whole * DIGEST_LENGTH);
      }
    },
  };
}

const slotKernels = new Map<string, SlotKernel | Promise<SlotKernel>>([['leaves', nativeLeaves]]);
const slotFactories: Record<string, () => Promise<SlotKernel>> = {
  'leaves-wasm': () => wasmLeaves(false),
  'leaves-wasm-scalar': () => wasmLeaves(true),
};

/** The slot kernel of this name (loaded once per worker). @throws for an unknown name. */
export async function slotKernel(name: string): Promise<SlotKernel> {
  let kernel = slotKernels.get(name);
  if (kernel === undefined) {
    const factory = slotFactories[name];
    if (factory === undefined) throw new Error(`unknown slot kernel ${JSON.stringify(name)}`);
    kernel = factory();
    slotKernels.set(name, kernel);
  }
  return kernel;
}

/**
 * A fresh stream kernel: any node:crypto hash algorithm by name ('sha256', 'md5', …), or S3's
 * per-part hashes ('s3-parts:…', s3-kernels.ts).
 */
export async function streamKernel(name: string): Promise<StreamKernel> {
  if (name.startsWith('s3-parts:')) return (await import('./s3-kernels.js')).s3PartsKernel(name);
  const hash: Hash = createHash(name);
  return {
    update: (bytes) => void hash.update(bytes),
    digest: () => new Uint8Array(hash.digest()),
  };
}
