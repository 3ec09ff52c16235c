// Types of scripts/bundle-size.mjs, for test/bundle-size.test.ts.
export interface BundleSize {
  raw: number;
  gzip: number;
}
export const BUDGET_GZIP_BYTES: number;
export function measureBundles(): Promise<{
  embedded: BundleSize;
  precompiled: BundleSize;
  workerd: BundleSize;
  kernelSimd: BundleSize;
  kernelScalar: BundleSize;
  worker: BundleSize;
}>;
