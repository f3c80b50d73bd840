import { defineConfig } from 'vitest/config';

// The paper's full setting (n=200, d=20, m=1000, lr=1e-3): minutes per test, not run in CI.
export default defineConfig({
  test: {
    include: ['test/slow/**/*.test.ts'],
    testTimeout: 3_600_000,
    pool: 'forks',
    globalSetup: ['test/support/fresh-build.ts'],
  },
});
