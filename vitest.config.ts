import { defineConfig } from 'vitest/config';

// The default suite. It includes test/slow, the paper's full setting (n=200, d=20, m=1000, 600k steps): written as the
// long physics runs of `npm run test:slow`, they take seconds on the subspace kernel, so CI checks the paper too.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
