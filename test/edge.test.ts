// Hosts that cannot compile WebAssembly from bytes (edge runtimes such as Cloudflare Workers run
// only modules compiled at deploy time; a CSP without 'wasm-unsafe-eval'; no WebAssembly at all).
// Each case loads a fresh copy of the library (vi.resetModules) into a Node where compiling from
// bytes is stubbed to throw as such a host does. Every result is checked against the reference.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MIB, mod251, referenceSha256Hex, referenceTreeHashHex } from './reference.js';

const SIMD_BYTES = readFileSync(new URL('../build/treehash.simd.wasm', import.meta.url));
const SCALAR_BYTES = readFileSync(new URL('../build/treehash.wasm', import.meta.url));
// Compiled here, before the stub, as a deploy step would: what the host's `import kernel from '….wasm'` gives.
const PRECOMPILED_SIMD = new WebAssembly.Module(SIMD_BYTES);
const PRECOMPILED_SCALAR = new WebAssembly.Module(SCALAR_BYTES);

const RealModule = WebAssembly.Module;
const CLOUDFLARE = 'WebAssembly.Module(): Wasm code generation disallowed by embedder';
const CHROMIUM_CSP =
  "WebAssembly.Module(): Refused to compile or instantiate WebAssembly module because 'wasm-unsafe-eval' is not an allowed source of script in the following Content Security Policy directive: \"script-src 'self'\"";

/** Makes `new WebAssembly.Module(bytes)` (and compile) throw `message`, as the host does. */
function blockCompiling(message: string): void {
  const Blocked = function Module() {
    throw new WebAssembly.CompileError(message);
  } as unknown as typeof WebAssembly.Module;
  Blocked.prototype = RealModule.prototype;
  Object.assign(Blocked, { exports: RealModule.exports, imports: RealModule.imports, customSections: RealModule.customSections });
  vi.spyOn(WebAssembly, 'Module', 'get').mockReturnValue(Blocked);
  vi.spyOn(WebAssembly, 'compile').mockRejectedValue(new WebAssembly.CompileError(message));
}

/** A fresh copy of the library (its kernel loader starts over). */
async function freshLibrary() {
  vi.resetModules();
  const core = await import('../src/index.js');
  const web = await import('../src/web/index.js');
  return { core, web };
}

function hexes(core: Awaited<ReturnType<typeof freshLibrary>>['core'], result: { treeHash: Uint8Array; sha256: Uint8Array }): string[] {
  return [core.toHex(result.treeHash), core.toHex(result.sha256)];
}

const SIZES = [0, 1, MIB, 4 * MIB + 9];

/** The code of what `fn` throws or rejects with (an error of the fresh copy, whose class is not the tests' TreeHashError). */
async function codeOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (error) {
    expect((error as Error).name).toBe('TreeHashError');
    return (error as { code: string }).code;
  }
  throw new Error('expected a TreeHashError, nothing was thrown');
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.resetModules();
});

describe('an edge-like host: compiling Wasm from bytes throws', () => {
  it("with the precompiled module handed in, every engine but 'js' runs the Wasm kernel and hashes correctly", async () => {
    blockCompiling(CLOUDFLARE);
    expect(() => new WebAssembly.Module(SIMD_BYTES)).toThrow(/disallowed by embedder/);
    const { core, web } = await freshLibrary();
    await core.setKernelModule(PRECOMPILED_SIMD);
    expect(core.engineInfo()).toMatchObject({ kernel: 'wasm-simd' });
    expect(core.engineInfo('wasm')).toMatchObject({ kernel: 'wasm-simd' });
    expect(core.engineInfo().wasmError).toBeUndefined();
    for (const size of SIZES) {
      const data = mod251(size);
      const expected = [referenceTreeHashHex(data), referenceSha256Hex(data)];
      expect(hexes(core, core.computeChecksums(data, { engine: 'wasm' }))).toEqual(expected);
      expect(hexes(core, core.computeChecksums(data))).toEqual(expected);
      expect(hexes(core, await web.hashBlob(new Blob([data]), { engine: 'wasm' }))).toEqual(expected);
      expect(core.createTreeHasher({ engine: 'wasm' }).update(data).digest('hex')).toBe(expected[0]);
    }
    // Only the SIMD build was handed in: the scalar one cannot be had, and says why.
    const error = await (async () => core.treeHash(new Uint8Array(1), { engine: 'wasm-scalar' }))().catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'ERR_WASM_UNAVAILABLE' });
    expect((error as Error).message).toMatch(/compiles WebAssembly only at deploy time.*setKernelModule/);
    // Handing the scalar build in too (as a promise of its module) makes it available.
    await core.setKernelModule(Promise.resolve(PRECOMPILED_SCALAR));
    expect(core.engineInfo('wasm-scalar')).toMatchObject({ kernel: 'wasm-scalar' });
    expect(core.toHex(core.treeHash(mod251(3 * MIB), { engine: 'wasm-scalar' }))).toBe(referenceTreeHashHex(mod251(3 * MIB)));
  });

  it("without one, 'auto' falls back to the kernel in JavaScript and 'wasm' names the cause and the remedy", async () => {
    blockCompiling(CLOUDFLARE);
    const { core, web } = await freshLibrary();
    expect(core.engineInfo()).toMatchObject({ kernel: 'js' });
    expect(core.engineInfo().wasmError).toMatch(/deploy time/);
    for (const size of SIZES) {
      const data = mod251(size);
      const expected = [referenceTreeHashHex(data), referenceSha256Hex(data)];
      expect(hexes(core, core.computeChecksums(data))).toEqual(expected);
      expect(hexes(core, await web.hashBlob(new Blob([data])))).toEqual(expected);
      const hasher = core.createChecksums();
      for (let offset = 0; offset < size; offset += 700_001) hasher.update(data.subarray(offset, offset + 700_001));
      expect(hexes(core, hasher.digestChecksums())).toEqual(expected);
    }
    expect(core.toHex(core.combineTreeHashes([core.sha256('a'), core.sha256('b'), core.sha256('c')]))).toHaveLength(64);
    for (const engine of ['wasm', 'wasm-scalar'] as const) {
      expect(await codeOf(() => core.treeHash(new Uint8Array(1), { engine }))).toBe('ERR_WASM_UNAVAILABLE');
      const message = (() => {
        try {
          core.sha256('x', { engine });
        } catch (error) {
          return (error as Error).message;
        }
        return '';
      })();
      expect(message).toMatch(/only at deploy time/);
      expect(message).toMatch(/disallowed by embedder/); // the runtime's own words
      expect(message).toMatch(/engine 'auto'.*'js'.*kernel-simd\.wasm.*setKernelModule/);
    }
  });

  it("a page's CSP without 'wasm-unsafe-eval' is named as the cause", async () => {
    blockCompiling(CHROMIUM_CSP);
    const { core } = await freshLibrary();
    expect(core.engineInfo().kernel).toBe('js');
    expect(await codeOf(() => core.computeChecksums(new Uint8Array(3), { engine: 'wasm' }))).toBe('ERR_WASM_UNAVAILABLE');
    expect(() => core.computeChecksums(new Uint8Array(3), { engine: 'wasm' })).toThrow(
      /Content-Security-Policy forbids compiling WebAssembly: add 'wasm-unsafe-eval'/,
    );
  });

  it('a runtime without WebAssembly: the JavaScript kernel, and the cause named', async () => {
    vi.stubGlobal('WebAssembly', undefined);
    try {
      const { core, web } = await freshLibrary();
      const data = mod251(2 * MIB + 1);
      expect(core.engineInfo()).toMatchObject({ kernel: 'js' });
      expect(core.engineInfo().wasmError).toMatch(/no WebAssembly/);
      expect(hexes(core, await web.hashBlob(new Blob([data])))).toEqual([referenceTreeHashHex(data), referenceSha256Hex(data)]);
      expect(() => core.treeHash(data, { engine: 'wasm' })).toThrow(/no WebAssembly/);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("setKernelModule takes the .wasm bytes (checked to be this release's) and refuses anything else", async () => {
    const { core } = await freshLibrary();
    await core.setKernelModule(new Uint8Array(SCALAR_BYTES));
    expect(core.engineInfo('wasm-scalar').kernel).toBe('wasm-scalar');
    expect(await codeOf(() => core.setKernelModule(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])))).toBe('ERR_INVALID_INPUT');
    expect(await codeOf(() => core.setKernelModule('kernel.wasm' as never))).toBe('ERR_INVALID_INPUT');
    expect(await codeOf(() => core.setKernelModule(new RealModule(Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0))))).toBe('ERR_INVALID_INPUT');
    expect(await codeOf(() => core.setKernelModule(Promise.resolve(new Uint8Array(4))))).toBe('ERR_INVALID_INPUT');
  });

  it('a state saved on the Wasm kernel continues on the JavaScript kernel and back', async () => {
    const { core } = await freshLibrary();
    const data = mod251(5 * MIB + 77);
    const first = core.createChecksums({ engine: 'wasm' }).update(data.subarray(0, 2 * MIB + 5));
    const onJs = core.restoreTreeHasher(first.save(), { engine: 'js' }).update(data.subarray(2 * MIB + 5, 4 * MIB + 1));
    const back = core.restoreTreeHasher(onJs.save(), { engine: 'wasm' }).update(data.subarray(4 * MIB + 1));
    expect(hexes(core, back.digestChecksums())).toEqual([referenceTreeHashHex(data), referenceSha256Hex(data)]);
  });

  it("the package variant without embedded bytes (an edge host's export condition): 'auto' runs JavaScript, a module handed in runs Wasm", () => {
    // The built package, as a bundler or runtime resolves it under the condition (dist/, npm run build).
    const script = `
      const m = await import('glacier-treehash');
      const before = m.engineInfo();
      const js = m.toHex(m.treeHash('Welcome to Amazon Glacier.'));
      let explicit = '';
      try { m.treeHash('x', { engine: 'wasm' }); } catch (error) { explicit = error.code + ' ' + error.message; }
      await m.setKernelModule(new WebAssembly.Module((await import('node:fs')).readFileSync('build/treehash.simd.wasm')));
      console.log(JSON.stringify({ before, js, explicit, after: m.engineInfo(), wasm: m.toHex(m.treeHash('Welcome to Amazon Glacier.', { engine: 'wasm' })) }));`;
    const root = fileURLToPath(new URL('..', import.meta.url));
    const out = JSON.parse(
      execFileSync(process.execPath, ['--conditions=glacier-treehash-precompiled', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }),
    );
    const welcome = referenceTreeHashHex(new TextEncoder().encode('Welcome to Amazon Glacier.'));
    expect(out.before.kernel).toBe('js');
    expect(out.before.wasmError).toMatch(/carries no embedded kernel/);
    expect(out.explicit).toMatch(/^ERR_WASM_UNAVAILABLE .*setKernelModule/);
    expect(out.after.kernel).toBe('wasm-simd');
    expect([out.js, out.wasm]).toEqual([welcome, welcome]);
  });
});
