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
      { find: /^@mlpx\/core$/, replacement: source('core/src/index.ts') },
      { find: /^@mlpx\/core\/browser$/, replacement: source('core/src/browser.ts') },
      { find: /^@mlpx\/train$/, replacement: source('train/src/index.ts') },
      { find: /^@mlpx\/train\/tooling$/, replacement: source('train/src/tooling.ts') },
      { find: /^@mlpx\/export$/, replacement: source('export/src/index.ts') },
      { find: /^@mlpx\/infer$/, replacement: source('infer/src/index.ts') },
      { find: /^@mlpx\/infer\/tooling$/, replacement: source('infer/src/tooling.ts') },
      { find: /^@mlpx\/web$/, replacement: source('web/src/index.ts') },
      // A test reaches a module a package does not export by the package's name and its path
      // under src/ (@mlpx/train/src/layers/fnet-block.js), never by climbing ../../packages.
      { find: /^@mlpx\/(core|train|export|infer|web)\/src\//, replacement: source('$1/src/') },
      { find: /^mlpx\/src\//, replacement: source('cli/src/') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
