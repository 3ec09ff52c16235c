// Loads the Wasm kernel: a module handed in by the host (setKernelModule: hosts that compile Wasm
// only at deploy time), else the embedded bytes, decoded and compiled once (synchronously, so the
// core API can stay synchronous); one instance per live hasher. Instances are pooled: a finished
// hasher hands its instance back, so one-shot calls do not instantiate anything after the first.
// Where Wasm cannot be compiled (a CSP without 'wasm-unsafe-eval', an edge host, no WebAssembly)
// the 'auto' build is the kernel in JavaScript (./js.ts); an explicit Wasm build fails with the cause.
//
// Two builds of the same sources: SIMD (four leaves at once in v128 lanes) and scalar. The SIMD
// build is used where WebAssembly.validate accepts it (or it was handed in), the scalar one
// elsewhere (or when asked for with engine 'wasm-scalar').
import { TreeHashError, describeValue } from '../core/errors.js';
import { fromHex, toHex } from '../core/hex.js';
import { SCALAR_WASM_HEX, SIMD_WASM_HEX } from '#embedded-kernel';
import { createJsKernel, jsSha256 } from './js.js';
import { SCALAR_WASM_SHA256, SIMD_WASM_SHA256 } from './wasm-ids.js';

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
  simdBuild(): number;
  init(flags: number): void;
  absorb(offset: number, length: number): number;
  absorbLinear(offset: number, length: number): void;
  absorbTree(offset: number, length: number): number;
  pushNode(level: number): number;
  finish(): number;
  treeBytes(): number;
  linearBytes(): number;
  leafFill(): number;
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

/**
 * Which code a kernel instance runs: the Wasm SIMD build, the Wasm scalar build, or the kernel in
 * JavaScript (same ABI and state layout, on @noble/hashes).
 */
export type KernelBuild = 'simd' | 'scalar' | 'js';

/** A kernel instance with its memory views resolved once (memory never grows, so they stay valid). */
export interface Kernel {
  /** Which build this instance runs. */
  readonly build: KernelBuild;
  /** Whether it is the Wasm SIMD build. */
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

type WasmBuild = 'simd' | 'scalar';
/** Modules handed in (setKernelModule) or compiled from the embedded bytes, per build. */
const modules: { simd?: WebAssembly.Module; scalar?: WebAssembly.Module } = {};
/** Why a build could not be compiled here (kept, so a refusing host is asked once). */
const failures: { simd?: TreeHashError; scalar?: TreeHashError } = {};
let simdValid: boolean | undefined;

/** The embedded bytes of a build; undefined in the package variant without them (edge hosts' export conditions). */
function embeddedBytes(build: WasmBuild): Uint8Array<ArrayBuffer> | undefined {
  const hex: string = build === 'simd' ? SIMD_WASM_HEX : SCALAR_WASM_HEX;
  return hex === '' ? undefined : (fromHex(hex) as Uint8Array<ArrayBuffer>);
}

/** Whether this runtime runs the SIMD build: one was handed in, or WebAssembly.validate accepts the embedded one. */
export function simdSupported(): boolean {
  if (modules.simd !== undefined) return true;
  if (simdValid === undefined) {
    const bytes = embeddedBytes('simd');
    try {
      simdValid = bytes !== undefined && WebAssembly.validate(bytes);
    } catch {
      simdValid = false;
    }
  }
  return simdValid;
}

const REMEDY =
  "Use engine 'auto' (the default: it falls back to the kernel in JavaScript) or 'js'; to keep Wasm, " +
  "import the precompiled kernel ('glacier-treehash/kernel-simd.wasm' or 'glacier-treehash/kernel.wasm') " +
  'and pass it to setKernelModule() before the first hash';

/** The ERR_WASM_UNAVAILABLE for a failed compile: the runtime's words, what they mean, and the remedy. */
function compileError(cause: unknown): TreeHashError {
  const said = cause instanceof Error ? cause.message : String(cause);
  let why: string;
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.Module !== 'function') {
    why = 'this runtime has no WebAssembly';
  } else if (/content.security.policy|unsafe-eval/i.test(said)) {
    why = "the page's Content-Security-Policy forbids compiling WebAssembly: add 'wasm-unsafe-eval' to its script-src";
  } else if (/disallowed by embedder|code generation/i.test(said)) {
    why = 'this host compiles WebAssembly only at deploy time (an edge runtime such as Cloudflare Workers or Vercel Edge): it needs a precompiled module';
  } else {
    why = 'the runtime refused it';
  }
  return new TreeHashError('ERR_WASM_UNAVAILABLE', `could not compile the WebAssembly tree-hash kernel: ${why} (${said}). ${REMEDY}`, { cause });
}

/**
 * @internal The compiled module of a build (worker threads instantiate it too): the one handed in,
 * else the embedded bytes compiled.
 * @throws {TreeHashError} `ERR_WASM_UNAVAILABLE`, naming the cause and the remedy.
 */
export function kernelModule(simd: boolean): WebAssembly.Module {
  const build: WasmBuild = simd ? 'simd' : 'scalar';
  const known = modules[build];
  if (known !== undefined) return known;
  const failed = failures[build];
  if (failed !== undefined) throw failed;
  const bytes = embeddedBytes(build);
  if (bytes === undefined) {
    throw (failures[build] = new TreeHashError(
      'ERR_WASM_UNAVAILABLE',
      `this variant of glacier-treehash carries no embedded kernel (an edge host's export condition chose it): nothing to compile the ${build} build from. ${REMEDY}`,
    ));
  }
  let module: WebAssembly.Module;
  try {
    if (typeof WebAssembly !== 'object') throw new Error('WebAssembly is not defined');
    module = new WebAssembly.Module(bytes);
  } catch (cause) {
    throw (failures[build] = compileError(cause));
  }
  return (modules[build] = module);
}

/**
 * @internal Why the Wasm kernel cannot run here (the best build's compile error), or undefined
 * when it can: engine 'auto' then uses the kernel in JavaScript.
 */
export function wasmUnavailable(): TreeHashError | undefined {
  try {
    kernelModule(simdSupported());
    return undefined;
  } catch (error) {
    return error as TreeHashError;
  }
}

const IMPORTS = {
  env: {
    abort(): never {
      throw new TreeHashError('ERR_INVALID_STATE', 'the tree-hash kernel aborted');
    },
  },
};

function wrap(instance: WebAssembly.Instance, build: WasmBuild): Kernel {
  const exports = instance.exports as unknown as KernelExports;
  if (exports.layoutError() !== 0) {
    throw new TreeHashError('ERR_WASM_UNAVAILABLE', 'the tree-hash kernel was built with too little memory for its input window');
  }
  return {
    build,
    simd: build === 'simd',
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
const idle: Record<KernelBuild, Kernel[]> = { simd: [], scalar: [], js: [] };

/** The build 'auto' runs: the best Wasm build, or the kernel in JavaScript where Wasm cannot be compiled. */
export function autoBuild(): KernelBuild {
  if (wasmUnavailable() !== undefined) return 'js';
  return simdSupported() ? 'simd' : 'scalar';
}

/**
 * An instance for one hasher; give it back with releaseKernel() when the hasher is done. `'simd'`:
 * the SIMD build where it runs, else the scalar one; `'scalar'`; `'js'`; `'auto'` (default): the
 * best Wasm build, or JavaScript where Wasm cannot be compiled.
 * @throws {TreeHashError} `ERR_WASM_UNAVAILABLE` for a Wasm build that cannot be compiled here.
 */
export function acquireKernel(build: KernelBuild | 'auto' = 'auto'): Kernel {
  const chosen = build === 'auto' ? autoBuild() : build === 'simd' && !simdSupported() ? 'scalar' : build;
  const reused = idle[chosen].pop();
  if (reused !== undefined) return reused;
  if (chosen === 'js') return createJsKernel();
  return wrap(new WebAssembly.Instance(kernelModule(chosen === 'simd'), IMPORTS), chosen);
}

export function releaseKernel(kernel: Kernel): void {
  const pool = idle[kernel.build];
  if (pool.length < MAX_IDLE) pool.push(kernel);
}

/** A precompiled kernel module, its bytes (the .wasm file), or a promise of either. */
export type KernelModuleSource = WebAssembly.Module | ArrayBuffer | ArrayBufferView | PromiseLike<WebAssembly.Module | ArrayBuffer | ArrayBufferView>;

const ABI = [
  'memory',
  'inputPtr',
  'inputCapacity',
  'outputPtr',
  'nodeInputPtr',
  'leafDigestsPtr',
  'statePtr',
  'stateSize',
  'layoutError',
  'simdBuild',
  'init',
  'absorb',
  'absorbLinear',
  'absorbTree',
  'pushNode',
  'finish',
];

function setModule(module: WebAssembly.Module): void {
  const names = new Set(WebAssembly.Module.exports(module).map((entry) => entry.name));
  const missing = ABI.filter((name) => !names.has(name));
  if (missing.length > 0) {
    throw new TreeHashError(
      'ERR_INVALID_INPUT',
      `the module is not this release's tree-hash kernel (it lacks ${missing.join(', ')}): use the .wasm of the same glacier-treehash version`,
    );
  }
  const instance = new WebAssembly.Instance(module, IMPORTS);
  const build: WasmBuild = (instance.exports as unknown as KernelExports).simdBuild() === 1 ? 'simd' : 'scalar';
  const kernel = wrap(instance, build);
  modules[build] = module;
  delete failures[build];
  idle[build].length = 0; // instances of another module of the same build go
  releaseKernel(kernel);
}

/**
 * Hands the library a precompiled Wasm kernel, for hosts that run only modules compiled at deploy
 * time (Cloudflare Workers and other edge runtimes import a `.wasm` file as a `WebAssembly.Module`)
 * or to skip compiling the embedded bytes. Takes the module (`glacier-treehash/kernel-simd.wasm` or
 * `glacier-treehash/kernel.wasm`), its bytes, or a promise of either; call it before the first hash
 * (twice to give both builds). A module given directly is in use when the call returns; bytes and
 * promises once the returned promise resolves — await it.
 * @throws {TreeHashError} (the promise rejects) `ERR_INVALID_INPUT` for anything that is not this
 * release's kernel; `ERR_WASM_UNAVAILABLE` when bytes cannot be compiled here.
 * @example
 * import kernel from 'glacier-treehash/kernel-simd.wasm'; // a WebAssembly.Module on Cloudflare Workers
 * import { setKernelModule } from 'glacier-treehash';
 * setKernelModule(kernel);
 */
export function setKernelModule(source: KernelModuleSource): Promise<void> {
  try {
    if (source !== null && typeof source === 'object' && typeof (source as PromiseLike<unknown>).then === 'function') {
      return Promise.resolve(source as PromiseLike<WebAssembly.Module | ArrayBuffer | ArrayBufferView>).then((value) => setKernelModule(value));
    }
    if (typeof WebAssembly === 'object' && source instanceof WebAssembly.Module) {
      setModule(source);
      return Promise.resolve();
    }
    if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
      const view = source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
      const id = toHex(jsSha256(view));
      if (id !== SCALAR_WASM_SHA256 && id !== SIMD_WASM_SHA256) {
        throw new TreeHashError(
          'ERR_INVALID_INPUT',
          "the bytes are not this release's tree-hash kernel (kernel.wasm or kernel-simd.wasm of the same glacier-treehash version)",
        );
      }
      let module: WebAssembly.Module;
      try {
        module = new WebAssembly.Module(view.slice());
      } catch (cause) {
        throw compileError(cause);
      }
      setModule(module);
      return Promise.resolve();
    }
    throw new TreeHashError(
      'ERR_INVALID_INPUT',
      `setKernelModule expects a WebAssembly.Module, its bytes, or a promise of either, got ${describeValue(source)}`,
    );
  } catch (error) {
    return Promise.reject(error);
  }
}
