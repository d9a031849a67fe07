import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string): string => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests, and the packages they load, use the packages' TypeScript sources (one copy of each
    // module, never stale build output): the "source" condition of each package's exports, and
    // the same files for imports by package name.
    conditions: ['source'],
    alias: [
      { find: /^@mlpx\/train$/, replacement: source('train/src/index.ts') },
      { find: /^@mlpx\/train\/errors$/, replacement: source('train/src/errors.ts') },
      { find: /^@mlpx\/export$/, replacement: source('export/src/index.ts') },
      { find: /^@mlpx\/export\/onnx-schema$/, replacement: source('export/src/onnx/schema.ts') },
      { find: /^@mlpx\/infer$/, replacement: source('infer/src/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
