// ESLint: typescript-eslint's type-checked rules for the TypeScript (each file read with the
// compiler's types from its own tsconfig: a package's src/ from the package's, test/ from
// test/tsconfig.json) and ESLint's recommended rules for the plain JavaScript (scripts, tools,
// the web demo), which is not type-checked. Only rules that find bugs and dead code: the layout
// of the code is Prettier's (.prettierrc.json), so there is no stylistic rule here.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Unused variables, parameters and imports are errors; a name that starts with _ is kept on purpose. */
const noUnusedVariables = ['error', { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }];

export default defineConfig(
  {
    ignores: ['**/node_modules/', '**/dist/', 'runs/', 'scratch/', 'test-artifacts/', 'coverage/', '.cache/'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: globals.node },
    rules: { 'no-unused-vars': noUnusedVariables },
  },
  {
    // The web demo and the Vite app of the web tests run in a browser.
    files: ['packages/web/demo/**/*.js', 'test/web/fixtures/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['**/*.ts', '**/*.mts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: {
          // Files no tsconfig includes: read with the tests' compiler options.
          allowDefaultProject: ['vitest.config.ts', 'vitest.unit.config.ts', 'scripts/bench/*.d.mts'],
          defaultProject: 'test/tsconfig.json',
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // The preset has the promise rules already; they are named here as what this config is for.
      '@typescript-eslint/no-unused-vars': noUnusedVariables,
      '@typescript-eslint/no-unused-expressions': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // An async function that implements a Promise-returning interface need not await; dropping
      // its `async` to please the rule would turn its throws into synchronous ones.
      '@typescript-eslint/require-await': 'off',
      // Shapes are written into messages as `[${shape}]`, which prints 2,3,4.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowArray: true }],
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // typeof import('...') stays allowed: vi.mock's importOriginal<typeof import('node:fs/promises')>() is the idiom.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/consistent-type-exports': 'error',
      '@typescript-eslint/no-deprecated': 'error',
      // noUncheckedIndexedAccess is off, so the compiler calls every `values[i]!` unnecessary (about
      // 570 of them), and tfjs's `tf.reshape(x, shape) as tf.Tensor2D` is flagged though the cast
      // is what picks the generic's rank: noise here.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  {
    // Tests read JSON (JSON.parse, response.json()) and match with vitest's expect.any(), all typed any.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
