import { defineConfig } from 'vitest/config';

// The default suite: fast, reduced-scale checks. Long physics runs live in test/slow (npm run test:slow).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/slow/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
