import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
const mod = new WebAssembly.Module(readFileSync('build/treehash.wasm'));
const inst = new WebAssembly.Instance(mod, { env: { abort() { throw new Error('abort'); } } });
const k = inst.exports;
console.log(Object.keys(k), k.layoutError());
const mem = new Uint8Array(k.memory.buffer);
const size = 64 << 20; const data = new Uint8Array(size); for (let i = 0; i < size; i++) data[i] = i % 251;
function th(flags) {
  k.init(flags); const inp = k.inputPtr(); const cap = k.inputCapacity();
  for (let off = 0; off < size; off += cap) { const n = Math.min(cap, size - off); mem.set(data.subarray(off, off + n), inp); k.absorb(0, n); }
  k.finish(); return Buffer.from(mem.slice(k.outputPtr(), k.outputPtr() + 64)).toString('hex');
}
for (let r = 0; r < 3; r++) { let t = performance.now(); const h = th(1); t = performance.now() - t; console.log('tree+linear', (size*2/1e6/(t/1000)).toFixed(0), 'MB/s hashed', h.slice(64)); }
for (let r = 0; r < 3; r++) { let t = performance.now(); th(0); t = performance.now() - t; console.log('tree', (size/1e6/(t/1000)).toFixed(0), 'MB/s'); }
console.log('node linear', createHash('sha256').update(data).digest('hex'));
const { sha256 } = await import('hash-wasm');
let t = performance.now(); for (let i=0;i<64;i++) await sha256(data.subarray(i<<20,(i+1)<<20)); t=performance.now()-t; console.log('hash-wasm', (size/1e6/(t/1000)).toFixed(0));
