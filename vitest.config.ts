import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The oracle suites (hasher, Node and Web adapters) run once per engine: engines must never
// change a result. Everything else runs once.
const PER_ENGINE = ['test/hasher.test.ts', 'test/node.test.ts', 'test/web.test.ts'];
const ENGINES = ['auto', 'wasm', 'wasm-scalar', 'native', 'js'];

export default defineConfig({
  // package.json "imports" points #embedded-kernel at dist/; the tests run the sources.
  resolve: { alias: { '#embedded-kernel': fileURLToPath(new URL('./src/kernel/wasm-binary.ts', import.meta.url)) } },
  test: {
    // Whole-archive suites hash gigabytes (sparse files past 4 GiB); CI has two cores.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    projects: [
      {
        extends: true,
        test: { name: 'once', include: ['test/**/*.test.ts'], exclude: PER_ENGINE },
      },
      ...ENGINES.map((engine) => ({
        extends: true,
        test: {
          name: `engine:${engine}`,
          include: PER_ENGINE,
          env: { TREEHASH_TEST_ENGINE: engine },
          setupFiles: ['test/setup-engine.ts'],
        },
      })),
    ],
  },
});
