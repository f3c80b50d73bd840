import { defineConfig } from 'vitest/config';

// The default suite. It includes test/slow, the paper's full setting (n=200, d=20, m=1000, 600k steps): written as the
// long physics runs of `npm run test:slow`, they take seconds on the subspace kernel, so CI checks the paper too. Not
// the real-data label-noise test at full length: a minute of tfjs on a quiet 2-core machine and several on a loaded
// one, so `npm test` runs it at a third of the steps (test/tfjs/label-noise.test.ts) and `npm run test:slow` in full.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['node_modules/**', 'test/slow/label-noise.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test/support/fresh-build.ts'],
  },
});
