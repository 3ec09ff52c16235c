// Loads the embedded Wasm kernel: decoded once, compiled once (synchronously, so the core API can
// stay synchronous), one instance per live hasher. Instances are pooled: a finished hasher hands
// its instance back, so one-shot calls do not instantiate anything after the first.
//
// Two builds of the same sources are embedded: SIMD (four leaves at once in v128 lanes) and
// scalar. The SIMD build is used where WebAssembly.validate accepts it, the scalar one elsewhere
// (or when asked for with engine 'wasm-scalar').
import { TreeHashError } from '../core/errors.js';
import { SCALAR_WASM_BASE64, SCALAR_WASM_SHA256, SIMD_WASM_BASE64 } from './wasm-binary.js';

/** The ABI exported by assembly/index.ts. */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  inputPtr(): number;
  inputCapacity(): number;
  outputPtr(): number;
  nodeInputPtr(): number;
  leafDigestsPtr(): number;
  statePtr(): number;
  stateSize(): number;
  layoutError(): number;
  init(flags: number): void;
  absorb(offset: number, length: number): number;
  absorbLinear(offset: number, length: number): void;
  absorbTree(offset: number, length: number): number;
  pushNode(level: number): number;
  finish(): number;
  treeBytes(): number;
  linearBytes(): number;
  leafFill(): number;
  /** Where the CRCs' running values live (see assembly/index.ts); used by src/s3/crc.ts. */
  crcStatePtr(): number;
  crc64nvme(offset: number, length: number): void;
  crc32(offset: number, length: number): void;
  crc32c(offset: number, length: number): void;
  crcCombine(kind: number, lengthB: number): void;
}

/** Flags of init(); mirror assembly/tree.ts. */
export const FLAG_LINEAR = 1;
export const FLAG_NO_TREE = 2;

/**
 * Identifies the kernel's state layout in saved state: the SHA-256 of this release's scalar build.
 * The SIMD build is compiled from the same sources with only the leaf loop changed, so its state
 * region (tree.ts, sha256.ts) is byte-for-byte the same layout and it writes and accepts this id
 * too (test/engines.test.ts restores across the builds). Any other kernel build refuses the state.
 */
export const KERNEL_BUILD_SHA256 = SCALAR_WASM_SHA256;

/** A kernel instance with its memory views resolved once (memory never grows, so they stay valid). */
export interface Kernel {
  /** Which build this instance runs. */
  readonly simd: boolean;
  readonly exports: KernelExports;
  readonly memory: Uint8Array;
  readonly inputPtr: number;
  readonly inputCapacity: number;
  readonly outputPtr: number;
  readonly nodeInputPtr: number;
  readonly leafDigestsPtr: number;
  readonly statePtr: number;
  readonly stateSize: number;
}

function decodeBase64(base64: string): Uint8Array {
  // atob exists in Node >= 16, browsers, Deno, Bun and workers; no Buffer, no fs.
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

const compiled: { simd?: WebAssembly.Module; scalar?: WebAssembly.Module } = {};
let simdValid: boolean | undefined;

/** Whether this runtime runs the SIMD build (WebAssembly.validate accepts it). */
export function simdSupported(): boolean {
  if (simdValid === undefined) {
    try {
      simdValid = WebAssembly.validate(decodeBase64(SIMD_WASM_BASE64) as Uint8Array<ArrayBuffer>);
    } catch {
      simdValid = false;
    }
  }
  return simdValid;
}

/** @internal The compiled module of one build (worker threads instantiate it too). */
export function kernelModule(simd: boolean): WebAssembly.Module {
  const key = simd ? 'simd' : 'scalar';
  let module = compiled[key];
  if (module === undefined) {
    try {
      module = new WebAssembly.Module(decodeBase64(simd ? SIMD_WASM_BASE64 : SCALAR_WASM_BASE64) as Uint8Array<ArrayBuffer>);
    } catch (cause) {
      throw new TreeHashError('ERR_WASM_UNAVAILABLE', 'could not compile the WebAssembly tree-hash kernel', { cause });
    }
    compiled[key] = module;
  }
  return module;
}

function instantiate(simd: boolean): Kernel {
  const instance = new WebAssembly.Instance(kernelModule(simd), {
    env: {
      abort(): never {
        throw new TreeHashError('ERR_INVALID_STATE', 'the tree-hash kernel aborted');
      },
    },
  });
  const exports = instance.exports as unknown as KernelExports;
  if (exports.layoutError() !== 0) {
    throw new TreeHashError('ERR_WASM_UNAVAILABLE', 'the tree-hash kernel was built with too little memory for its input window');
  }
  return {
    simd,
    exports,
    memory: new Uint8Array(exports.memory.buffer),
    inputPtr: exports.inputPtr(),
    inputCapacity: exports.inputCapacity(),
    outputPtr: exports.outputPtr(),
    nodeInputPtr: exports.nodeInputPtr(),
    leafDigestsPtr: exports.leafDigestsPtr(),
    statePtr: exports.statePtr(),
    stateSize: exports.stateSize(),
  };
}

// A few idle instances of each build are kept; more would only pin memory (about 4.3 MiB each).
const MAX_IDLE = 4;
const idle: { simd: Kernel[]; scalar: Kernel[] } = { simd: [], scalar: [] };

/**
 * An instance for one hasher; give it back with releaseKernel() when the hasher is done. `scalar`
 * asks for the scalar build; otherwise the SIMD build where it validates.
 */
export function acquireKernel(scalar = false): Kernel {
  const simd = !scalar && simdSupported();
  return (simd ? idle.simd : idle.scalar).pop() ?? instantiate(simd);
}

export function releaseKernel(kernel: Kernel): void {
  const pool = kernel.simd ? idle.simd : idle.scalar;
  if (pool.length < MAX_IDLE) pool.push(kernel);
}
