import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCALAR_WASM_HEX, SCALAR_WASM_SHA256, SIMD_WASM_HEX, SIMD_WASM_SHA256 } from '../src/kernel/wasm-binary.js';
import { acquireKernel, releaseKernel } from '../src/kernel/wasm.js';
import { createChecksums } from '../src/hash/tree-hasher.js';
import { mod251 } from './reference.js';

describe('embedded kernel', () => {
  for (const [name, file, hex, sha] of [
    ['scalar', 'treehash.wasm', SCALAR_WASM_HEX, SCALAR_WASM_SHA256],
    ['SIMD', 'treehash.simd.wasm', SIMD_WASM_HEX, SIMD_WASM_SHA256],
  ] as const) {
    it(`${name}: is exactly the built release binary, and its recorded SHA-256 is right`, () => {
      const built = readFileSync(new URL(`../build/${file}`, import.meta.url));
      const embedded = Buffer.from(hex, 'hex');
      expect(embedded.equals(built)).toBe(true);
      expect(createHash('sha256').update(built).digest('hex')).toBe(sha);
    });

    it(`${name}: imports nothing, and its memory never grows while hashing`, () => {
      const module = new WebAssembly.Module(Buffer.from(hex, 'hex'));
      expect(WebAssembly.Module.imports(module)).toEqual([]);
      const engine = name === 'SIMD' ? 'wasm' : 'wasm-scalar';
      const kernel = acquireKernel(name === 'SIMD' ? 'simd' : 'scalar');
      const before = kernel.exports.memory.buffer.byteLength;
      releaseKernel(kernel);
      const hasher = createChecksums({ engine });
      const data = mod251(9 * 1024 * 1024 + 3);
      for (let offset = 0; offset < data.length; offset += 1_000_003) hasher.update(data.subarray(offset, offset + 1_000_003));
      hasher.digestChecksums();
      const again = acquireKernel(name === 'SIMD' ? 'simd' : 'scalar');
      expect(again.simd).toBe(name === 'SIMD');
      expect(again.exports.memory.buffer.byteLength).toBe(before);
      releaseKernel(again);
    });
  }

  it('loads without fs, fetch or import.meta.url (the generated module is self-contained)', () => {
    const source = readFileSync(new URL('../src/kernel/wasm.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/node:|from 'fs'|fetch\(|import\.meta/);
  });
});
