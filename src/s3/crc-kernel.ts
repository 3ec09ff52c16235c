// Loads the CRC module (assembly/crc-index.ts, embedded here only: the tree-hash kernel and the
// other entries carry none of it): decoded and compiled once, synchronously; instances pooled.
import { TreeHashError } from '../core/errors.js';
import { CRC_WASM_BASE64 } from './crc-wasm-binary.js';

/** The CRC module's ABI. */
export interface CrcExports {
  readonly memory: WebAssembly.Memory;
  inputPtr(): number;
  inputCapacity(): number;
  layoutError(): number;
  crcStatePtr(): number;
  crc64nvme(offset: number, length: number): void;
  crc32(offset: number, length: number): void;
  crc32c(offset: number, length: number): void;
  crcCombine(kind: number, lengthB: number): void;
}

/** An instance with its views resolved once (its memory never grows). */
export interface CrcKernel {
  readonly exports: CrcExports;
  readonly memory: Uint8Array;
  readonly view: DataView;
  readonly inputPtr: number;
  readonly inputCapacity: number;
  readonly statePtr: number;
}

let compiled: WebAssembly.Module | undefined;
const idle: CrcKernel[] = [];

function instantiate(): CrcKernel {
  if (compiled === undefined) {
    try {
      const text = atob(CRC_WASM_BASE64);
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      compiled = new WebAssembly.Module(bytes);
    } catch (cause) {
      throw new TreeHashError('ERR_WASM_UNAVAILABLE', 'could not compile the WebAssembly CRC module', { cause });
    }
  }
  const exports = new WebAssembly.Instance(compiled, {
    env: {
      abort: () => {
        throw new TreeHashError('ERR_INVALID_STATE', 'the CRC module aborted');
      },
    },
  }).exports as unknown as CrcExports;
  if (exports.layoutError() !== 0) throw new TreeHashError('ERR_WASM_UNAVAILABLE', 'the CRC module was built with too little memory for its input window');
  return {
    exports,
    memory: new Uint8Array(exports.memory.buffer),
    view: new DataView(exports.memory.buffer),
    inputPtr: exports.inputPtr(),
    inputCapacity: exports.inputCapacity(),
    statePtr: exports.crcStatePtr(),
  };
}

/** @internal An instance for one user; give it back with releaseCrcKernel(). */
export function acquireCrcKernel(): CrcKernel {
  return idle.pop() ?? instantiate();
}

/** @internal */
export function releaseCrcKernel(kernel: CrcKernel): void {
  if (idle.length < 4) idle.push(kernel);
}
