import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Whole-archive suites hash gigabytes (sparse files past 4 GiB); CI has two cores.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
