// Which code computes the SHA-256s. Engines never change a result, only the speed: the Wasm
// kernel (SIMD or scalar build) is always there and synchronous; `native` is the platform's own
// SHA-256 (node:crypto, which uses the CPU's SHA extensions), found without a static `node:`
// import so that this module stays universal.
import { TreeHashError, describeValue } from '../core/errors.js';

/**
 * - `'auto'` (default): the fastest engine available for the call (node:crypto in Node for whole
 *   leaves; WebCrypto for whole leaves in async streaming APIs elsewhere; else the Wasm kernel). An incremental hasher keeps its linear SHA-256 in Wasm
 *   so that `save()` works.
 * - `'wasm'`: the Wasm kernel, its SIMD build (four leaves at once) where WebAssembly SIMD validates.
 * - `'wasm-scalar'`: the Wasm kernel's scalar build.
 * - `'native'`: node:crypto (in Node); where there is none, WebCrypto's `digest` for whole leaves
 *   in the async streaming APIs (`hashBlob`, `hashWebStream`), and `ERR_ENGINE_UNAVAILABLE` in
 *   the synchronous ones.
 */
export type Engine = 'auto' | 'wasm' | 'wasm-scalar' | 'native';

/**
 * Every engine name, for validation and for running a suite on each.
 * @example for (const engine of ENGINES) console.log(engine, toHex(treeHash(bytes, { engine })));
 */
export const ENGINES: readonly Engine[] = Object.freeze(['auto', 'wasm', 'wasm-scalar', 'native']);

/**
 * Options every hashing API accepts.
 * @example treeHash(bytes, { engine: 'wasm-scalar' })
 */
export interface EngineOptions {
  /** Which code computes the SHA-256s; never changes the result. Default `'auto'`. */
  engine?: Engine;
}

let defaultEngine: Engine = 'auto';

/** @internal The engine used when none is given (the test suite runs once per engine with it). */
export function setDefaultEngine(engine: Engine): void {
  defaultEngine = checkEngine(engine);
}

/**
 * @internal Validates an `engine` option; undefined means the default.
 * @throws {TreeHashError} `ERR_INVALID_OPTION` for anything but the four names.
 */
export function checkEngine(value: unknown): Engine {
  if (value === undefined) return defaultEngine;
  if (typeof value !== 'string' || !(ENGINES as readonly string[]).includes(value)) {
    throw new TreeHashError('ERR_INVALID_OPTION', `engine must be one of ${ENGINES.map((e) => `'${e}'`).join(', ')}, got ${describeValue(value)}`);
  }
  return value as Engine;
}

/** A synchronous SHA-256 hash object: node:crypto's `Hash`, or anything shaped like it. */
export interface NativeHash {
  update(data: Uint8Array): NativeHash;
  digest(): Uint8Array;
  copy(): NativeHash;
}
export type NativeHashFactory = () => NativeHash;

let nativeFactory: NativeHashFactory | null | undefined;

/**
 * @internal Registers node:crypto's SHA-256 (src/node/ does, with its static import). Without it
 * the core looks for Node's `process.getBuiltinModule` (Node >= 20.16), which bundlers leave alone.
 */
export function registerNativeHash(factory: NativeHashFactory | null): void {
  nativeFactory = factory;
}

/** @internal node:crypto's SHA-256 when this runtime has it synchronously, else undefined. */
export function nativeHashFactory(): NativeHashFactory | undefined {
  if (nativeFactory === undefined) {
    nativeFactory = null;
    const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const crypto = process?.getBuiltinModule?.('crypto') as { createHash?: (algorithm: string) => NativeHash } | undefined;
    const createHash = crypto?.createHash;
    if (typeof createHash === 'function') nativeFactory = () => createHash('sha256');
  }
  return nativeFactory ?? undefined;
}

/** What an engine name means for a synchronous call: where leaves (and the linear hash) go. */
export interface ResolvedEngine {
  /** Whole leaves via node:crypto (else the Wasm kernel). */
  readonly native: NativeHashFactory | undefined;
  /** Which Wasm build holds the state (and hashes leaves when `native` is undefined). */
  readonly scalar: boolean;
}

/**
 * @internal Resolves an engine for a synchronous API.
 * @throws {TreeHashError} `ERR_ENGINE_UNAVAILABLE` for `'native'` where no synchronous native SHA-256 exists.
 */
export function resolveEngine(value: unknown): ResolvedEngine {
  const engine = checkEngine(value);
  if (engine === 'wasm') return { native: undefined, scalar: false };
  if (engine === 'wasm-scalar') return { native: undefined, scalar: true };
  const native = nativeHashFactory();
  if (engine === 'native' && native === undefined) {
    throw new TreeHashError(
      'ERR_ENGINE_UNAVAILABLE',
      "engine 'native' needs node:crypto (Node >= 20.16, or import 'glacier-treehash/node' first); this runtime has none for synchronous calls — use 'auto' or 'wasm'",
    );
  }
  return { native, scalar: false };
}
