// What glacier-treehash adds to a client's bundle: the web entry (`glacier-treehash/web`, which
// re-exports nothing else) bundled by esbuild into one minified ESM file, raw and gzipped.
//   embedded kernel      the default: both Wasm builds travel inside the JS as base64
//   precompiled kernel   the host imports kernel.wasm / kernel-simd.wasm as modules and hands one
//                        in (setKernelModule): the bundle without the embedded bytes (the export
//                        conditions of edge hosts pick it), plus the .wasm the host loads
//   worker.js            the Web Worker that `{ worker: true }` starts (a separate file)
// It bundles dist/ (npm run build first). `node scripts/bundle-size.mjs` (npm run size) prints the
// table; test/bundle-size.test.ts holds the budget.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The budget for the web entry with the embedded kernel, gzipped (issue 15). */
export const BUDGET_GZIP_BYTES = 30_000;

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;

// A client bundles the package's built entries (dist/, as npm installs them), so this does too.
async function bundle(entry, conditions = []) {
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    conditions,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const bytes = result.outputFiles[0].contents;
  return { raw: bytes.length, gzip: gzip(bytes) };
}

/** Sizes in bytes of each way a client ships the package. */
export async function measureBundles() {
  const wasm = (file) => {
    const bytes = readFileSync(join(ROOT, 'build', file));
    return { raw: bytes.length, gzip: gzip(bytes) };
  };
  return {
    embedded: await bundle('dist/web/index.js'),
    // What Cloudflare's and Vercel's bundlers pick ('workerd', 'edge-light'; any bundler can set
    // 'glacier-treehash-precompiled'): package.json "imports" maps #embedded-kernel to no bytes.
    precompiled: await bundle('dist/web/index.js', ['glacier-treehash-precompiled']),
    workerd: await bundle('dist/web/index.js', ['workerd', 'worker', 'browser']),
    kernelSimd: wasm('treehash.simd.wasm'),
    kernelScalar: wasm('treehash.wasm'),
    worker: await bundle('dist/web/worker.js'),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizes = await measureBundles();
  const kb = (n) => `${(n / 1000).toFixed(1)} kB`;
  const rows = [
    ['glacier-treehash/web, embedded kernel (default)', sizes.embedded],
    ['glacier-treehash/web, precompiled kernel (JS only)', sizes.precompiled],
    ['  + kernel-simd.wasm, loaded by the host', sizes.kernelSimd],
    ['  + kernel.wasm (scalar), loaded by the host', sizes.kernelScalar],
    ['worker.js ({ worker: true }), a separate file', sizes.worker],
  ];
  console.log('bundle (esbuild, minified ESM)                          raw        gzip');
  for (const [name, { raw, gzip }] of rows) console.log(`${name.padEnd(52)} ${kb(raw).padStart(9)} ${kb(gzip).padStart(9)}`);
  const ok = sizes.embedded.gzip <= BUDGET_GZIP_BYTES;
  console.log(`budget: embedded kernel <= ${kb(BUDGET_GZIP_BYTES)} gzipped: ${ok ? 'met' : 'EXCEEDED'} (${kb(sizes.embedded.gzip)})`);
  if (process.argv.includes('--json')) console.log(JSON.stringify(sizes));
  process.exitCode = ok ? 0 : 1;
}
