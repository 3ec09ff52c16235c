// What glacier-treehash adds to a client's bundle: the web entry (`glacier-treehash/web`, which
// re-exports nothing else) bundled by esbuild into one minified ESM file, raw and gzipped.
//   embedded kernel      the default: both Wasm builds travel inside the JS as base64
//   precompiled kernel   the host imports kernel.wasm / kernel-simd.wasm as modules and hands one
//                        in (setKernelModule): the bundle without the embedded bytes, plus the
//                        .wasm the host loads
//   worker.js            the Web Worker that `{ worker: true }` starts (a separate file)
// `node scripts/bundle-size.mjs` prints the table; test/bundle-size.test.ts holds the budget.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The budget for the web entry with the embedded kernel, gzipped (issue 15). */
export const BUDGET_GZIP_BYTES = 30_000;

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;

// Stands in for the generated module of base64 kernels: what a bundle without them holds.
const withoutEmbeddedKernel = {
  name: 'without-embedded-kernel',
  setup(build) {
    build.onLoad({ filter: /[\\/]kernel[\\/]wasm-binary\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8').replace(/_BASE64 = '[^']*'/g, "_BASE64 = ''");
      return { contents: source, loader: 'ts' };
    });
  },
};

async function bundle(entry, plugins = []) {
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins,
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
    embedded: await bundle('src/web/index.ts'),
    precompiled: await bundle('src/web/index.ts', [withoutEmbeddedKernel]),
    kernelSimd: wasm('treehash.simd.wasm'),
    kernelScalar: wasm('treehash.wasm'),
    worker: await bundle('src/web/worker.ts'),
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
