// Loads the embedded Wasm kernel: decoded once, compiled once (synchronously, so the core API can
// stay synchronous), one instance per live hasher. Instances are pooled: a finished hasher hands
// its instance back, so one-shot calls do not instantiate anything after the first.
import { TreeHashError } from '../errors.js';
import { SCALAR_WASM_BASE64, SCALAR_WASM_SHA256 } from './wasm-binary.js';

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
  pushNode(level: number): number;
  finish(): number;
  treeBytes(): number;
  linearBytes(): number;
  leafFill(): number;
}

/** Flags of init(); mirror assembly/tree.ts. */
export const FLAG_LINEAR = 1;
export const FLAG_NO_TREE = 2;

/** Identifies the kernel build, so that saved state from another build is refused. */
export const KERNEL_BUILD_SHA256 = SCALAR_WASM_SHA256;

/** A kernel instance with its memory views resolved once (memory never grows, so they stay valid). */
export interface Kernel {
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

let compiled: WebAssembly.Module | undefined;

function kernelModule(): WebAssembly.Module {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(decodeBase64(SCALAR_WASM_BASE64) as Uint8Array<ArrayBuffer>);
    } catch (cause) {
      throw new TreeHashError('ERR_WASM_UNAVAILABLE', 'could not compile the WebAssembly tree-hash kernel', { cause });
    }
  }
  return compiled;
}

function instantiate(): Kernel {
  const instance = new WebAssembly.Instance(kernelModule(), {
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

// A few idle instances are kept; more would only pin memory (about 4.3 MiB each).
const MAX_IDLE = 4;
const idle: Kernel[] = [];

/** An instance for one hasher; give it back with releaseKernel() when the hasher is done. */
export function acquireKernel(): Kernel {
  return idle.pop() ?? instantiate();
}

export function releaseKernel(kernel: Kernel): void {
  if (idle.length < MAX_IDLE) idle.push(kernel);
}
