// Which code computes the SHA-256s: the one engine resolver. Every API that takes an `engine`
// option asks resolveEngine() what it means for that call. Engines never change a result, only
// the speed: a kernel (Wasm, SIMD or scalar build; or, where Wasm cannot be compiled, the same
// kernel in JavaScript) is always there and synchronous; `native` is the platform's own SHA-256
// (node:crypto, which uses the CPU's SHA extensions), found without a static `node:` import so
// that this module stays universal, and registered by no module on import.
import { TreeHashError, describeValue } from '../core/errors.js';
import { type KernelBuild, autoBuild, kernelModule, simdSupported, wasmUnavailable } from '../kernel/wasm.js';

/**
 * - `'auto'` (default): the fastest engine available for the call (node:crypto in Node for whole
 *   leaves; WebCrypto for whole leaves in async streaming APIs elsewhere; else the Wasm kernel). An incremental hasher keeps its linear SHA-256 in Wasm
 *   so that `save()` works. Where Wasm cannot be compiled (a CSP without `'wasm-unsafe-eval'`, an
 *   edge host given no precompiled module, no WebAssembly), the kernel in JavaScript instead.
 * - `'wasm'`: the Wasm kernel, its SIMD build (four leaves at once) where WebAssembly SIMD validates.
 * - `'wasm-scalar'`: the Wasm kernel's scalar build.
 * - `'native'`: node:crypto (in Node); where there is none, WebCrypto's `digest` for whole leaves
 *   in the async streaming APIs (`hashBlob`, `hashWebStream`), and `ERR_ENGINE_UNAVAILABLE` in
 *   the synchronous ones.
 * - `'js'`: no Wasm and no node:crypto: the kernel in JavaScript on @noble/hashes, with whole
 *   leaves through WebCrypto's `digest` in the async streaming APIs where it exists.
 */
export type Engine = 'auto' | 'wasm' | 'wasm-scalar' | 'native' | 'js';

/**
 * Every engine name, for validation and for running a suite on each.
 * @example for (const engine of ENGINES) console.log(engine, toHex(treeHash(bytes, { engine })));
 */
export const ENGINES: readonly Engine[] = Object.freeze(['auto', 'wasm', 'wasm-scalar', 'native', 'js']);

/**
 * Options every hashing API accepts.
 * @example treeHash(bytes, { engine: 'wasm-scalar' })
 */
export interface EngineOptions {
  /** Which code computes the SHA-256s; never changes the result. Default `'auto'`. */
  engine?: Engine;
}

/**
 * A streaming SHA-256: node:crypto's `Hash`, the Wasm kernel's linear hash, or anything shaped
 * like them. The one hash-object interface of the library (leaves, linear hashes, the `linear`
 * option of part hashing).
 * @example const hash: LinearHash = createHash('sha256'); hash.update(bytes); hash.digest();
 */
export interface LinearHash {
  update(bytes: Uint8Array): unknown;
  digest(): Uint8Array;
  /** An independent hash in the same state, where the hash can make one (node:crypto's can). */
  copy?(): LinearHash;
}

/** Makes a fresh {@link LinearHash}. */
export type LinearHashFactory = () => LinearHash;

let defaultEngine: Engine = 'auto';

/** @internal The engine used when none is given (the test suite runs once per engine with it). */
export function setDefaultEngine(engine: Engine): void {
  defaultEngine = checkEngine(engine);
}

/**
 * @internal Validates an `engine` option; undefined means the default.
 * @throws {TreeHashError} `ERR_INVALID_OPTION` for anything but the engine names.
 */
export function checkEngine(value: unknown): Engine {
  if (value === undefined) return defaultEngine;
  if (typeof value !== 'string' || !(ENGINES as readonly string[]).includes(value)) {
    throw new TreeHashError('ERR_INVALID_OPTION', `engine must be one of ${ENGINES.map((e) => `'${e}'`).join(', ')}, got ${describeValue(value)}`);
  }
  return value as Engine;
}

// undefined: not looked up yet; null: this runtime has none (or a test said so).
let nativeFactory: LinearHashFactory | null | undefined;

/**
 * @internal For tests only: pretends this runtime has `factory` as its synchronous SHA-256
 * (`null`: none; `undefined`: look again). No module of the library calls it.
 */
export function registerNativeHash(factory: LinearHashFactory | null | undefined): void {
  nativeFactory = factory;
}

/**
 * node:crypto's SHA-256 when this runtime has it synchronously, else undefined: found
 * through Node's `process.getBuiltinModule` (Node >= 20.16), which bundlers leave alone.
 */
function nativeHashFactory(): LinearHashFactory | undefined {
  if (nativeFactory === undefined) {
    nativeFactory = null;
    const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const crypto = process?.getBuiltinModule?.('crypto') as { createHash?: (algorithm: string) => LinearHash } | undefined;
    const createHash = crypto?.createHash;
    if (typeof createHash === 'function') nativeFactory = () => createHash('sha256');
  }
  return nativeFactory ?? undefined;
}

/** WebCrypto's SubtleCrypto, where the runtime has it. */
function subtleCrypto(): SubtleCrypto | undefined {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  return typeof subtle?.digest === 'function' ? subtle : undefined;
}

/**
 * What the call can do with the hashing it asks an engine for:
 * - `'sync'` (default): a synchronous call whose state may be saved: only engine `'native'` puts
 *   the linear SHA-256 in node:crypto.
 * - `'unsaved'`: nothing saves this hashing's state, so `'auto'` puts the linear SHA-256 in
 *   node:crypto too (it resolves to `'native'` where there is one).
 * - `'async'`: as `'unsaved'`, and where there is no node:crypto, `'auto'` and `'native'` hash whole
 *   leaves with WebCrypto when the runtime has it (see {@link ResolvedEngine.webCrypto}).
 */
export type EngineUse = 'sync' | 'unsaved' | 'async';

/** What an engine name means for one call. */
export interface ResolvedEngine {
  /** The engine to run: the name given (or the default), with `'auto'` made `'native'` where the use allows it. */
  readonly engine: Engine;
  /** Whole leaves (and, for engine `'native'`, the linear SHA-256) via node:crypto; else the kernel. */
  readonly native: LinearHashFactory | undefined;
  /** Which kernel holds the state (and hashes leaves when `native` is undefined): a Wasm build, or the one in JavaScript. */
  readonly build: KernelBuild;
  /** Which code hashes whole leaves: node:crypto or a kernel build. */
  readonly leaves: 'native' | KernelBuild;
  /** Use `'async'` only: WebCrypto hashes whole leaves (there is no node:crypto, or the engine is `'js'`). */
  readonly webCrypto: SubtleCrypto | undefined;
}

/**
 * @internal The one engine resolver: it alone decides which kernel build runs ('auto' falls back to
 * the kernel in JavaScript where Wasm cannot be compiled). `native` is a synchronous SHA-256 the
 * caller brings (the Node adapters pass node:crypto's), used instead of looking one up.
 * @throws {TreeHashError} `ERR_INVALID_OPTION` for an unknown engine; `ERR_ENGINE_UNAVAILABLE` for
 *   `'native'` where this runtime has no SHA-256 for the use; `ERR_WASM_UNAVAILABLE` for `'wasm'` /
 *   `'wasm-scalar'` where Wasm cannot be compiled, naming the cause (a CSP without
 *   'wasm-unsafe-eval', an edge host that needs a precompiled module, no WebAssembly) and the remedy.
 * @example const { native, build } = resolveEngine(options.engine);
 */
export function resolveEngine(value: unknown, use: EngineUse = 'sync', native?: LinearHashFactory): ResolvedEngine {
  const engine = checkEngine(value);
  if (engine === 'js') {
    return { engine, native: undefined, build: 'js', leaves: 'js', webCrypto: use === 'async' ? subtleCrypto() : undefined };
  }
  if (engine === 'wasm' || engine === 'wasm-scalar') {
    const build = engine === 'wasm' && simdSupported() ? 'simd' : 'scalar';
    kernelModule(build === 'simd'); // throws the cause and the remedy here, before any work
    return { engine, native: undefined, build, leaves: build, webCrypto: undefined };
  }
  const build = autoBuild();
  const factory = native ?? nativeHashFactory();
  if (factory !== undefined) {
    return { engine: use === 'sync' ? engine : 'native', native: factory, build, leaves: 'native', webCrypto: undefined };
  }
  const webCrypto = use === 'async' ? subtleCrypto() : undefined;
  if (engine === 'native' && webCrypto === undefined) {
    throw new TreeHashError(
      'ERR_ENGINE_UNAVAILABLE',
      use === 'async'
        ? "engine 'native' needs node:crypto (Node >= 20.16) or WebCrypto; this runtime has neither — use 'auto', 'wasm' or 'js'"
        : "engine 'native' needs node:crypto (Node >= 20.16); this runtime has none for synchronous calls — use 'auto', 'wasm' or 'js'",
    );
  }
  return { engine, native: undefined, build, leaves: build, webCrypto };
}

/** What an engine runs on this host: see {@link engineInfo}. */
export interface EngineInfo {
  /** The engine asked about (the default when none was given). */
  readonly engine: Engine;
  /** The kernel that holds the tree (and hashes what node:crypto or WebCrypto does not). */
  readonly kernel: 'wasm-simd' | 'wasm-scalar' | 'js';
  /** Whether node:crypto hashes whole leaves (synchronous APIs and Node's files and streams). */
  readonly nativeLeaves: boolean;
  /** Why Wasm cannot run here (the compile error's message), when it cannot. */
  readonly wasmError?: string;
}

/**
 * Which code an engine runs on this host, e.g. to tell whether a page's CSP left Wasm out.
 * @throws {TreeHashError} as the hashing functions do for that engine.
 * @example if (engineInfo().kernel === 'js') console.warn(engineInfo().wasmError);
 */
export function engineInfo(engine?: Engine): EngineInfo {
  const { native, build } = resolveEngine(engine);
  const wasmError = wasmUnavailable()?.message;
  return {
    engine: checkEngine(engine),
    kernel: build === 'js' ? 'js' : build === 'simd' ? 'wasm-simd' : 'wasm-scalar',
    nativeLeaves: native !== undefined,
    ...(wasmError === undefined ? {} : { wasmError }),
  };
}
