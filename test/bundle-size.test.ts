// The bundle budget (issue 15): the web entry, bundled and minified by esbuild with the embedded
// Wasm kernel, stays within 30 kB gzipped; the precompiled-kernel path is reported too.
import { expect, it } from 'vitest';
import { BUDGET_GZIP_BYTES, measureBundles } from '../scripts/bundle-size.mjs';

it('glacier-treehash/web with the embedded kernel is at most 30 kB gzipped; the precompiled path is reported', async () => {
  const sizes = await measureBundles();
  const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;
  console.log(
    `web entry, embedded kernel: ${kb(sizes.embedded.raw)} raw, ${kb(sizes.embedded.gzip)} gzipped (budget ${kb(BUDGET_GZIP_BYTES)}); ` +
      `precompiled kernel: ${kb(sizes.precompiled.gzip)} gzipped JS + kernel-simd.wasm ${kb(sizes.kernelSimd.gzip)} / kernel.wasm ${kb(sizes.kernelScalar.gzip)} gzipped; ` +
      `worker.js ${kb(sizes.worker.gzip)} gzipped`,
  );
  expect(sizes.embedded.gzip).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
  // Without the embedded bytes the bundle is really smaller by both kernels: more than the larger one gzipped alone (the
  // embedded hex of both gzips to less than the two .wasm files apart, since the SIMD build repeats much of the scalar one),
  // and Cloudflare's bundler conditions ('workerd', 'worker', 'browser') pick that variant.
  expect(sizes.embedded.gzip - sizes.precompiled.gzip).toBeGreaterThan(Math.max(sizes.kernelSimd.gzip, sizes.kernelScalar.gzip) + 1000);
  expect(sizes.workerd).toEqual(sizes.precompiled);
});
