import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests import the packages by name and run their TypeScript sources (see "source" in each
    // package's exports), so a test never runs stale build output.
    conditions: ['source'],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
