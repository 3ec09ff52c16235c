import { defineConfig } from 'vitest/config';

// `npm run test:slow` (and .ci/run, after npm test): the long suites in test/slow/ — over 10,000
// fast-check cases over the planners, range predicates and cut points of every hashing API;
// sparse files of 4 GiB + 1 MiB + 3 bytes and 5 GiB through the CLI; corrupted saved states;
// files that shrink while they are hashed. A few minutes on two cores. Their names end in
// .slow.ts, so `npm test` (test/**/*.test.ts) does not run them.
export default defineConfig({
  test: {
    include: ['test/slow/**/*.slow.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // One file at a time: the sparse files want both cores.
    fileParallelism: false,
  },
});
