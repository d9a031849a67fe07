/**
 * The fast tier, `npm run test:unit`: the suite without the tests that spawn the CLI, open
 * Chromium or its SwiftShader Vulkan driver (WebGPU), or train models for more than a few steps.
 * It needs no system package; `npm test` runs everything.
 */
import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        ...configDefaults.exclude,
        'test/cli/**', // spawns mlpx
        'test/repository/docs.test.ts', // spawns mlpx --help for every command
        'test/triton/**', // spawns tritonserver and mlpx serve, trains a model to serve
        'test/serving/{inference,bad-requests,batching,repository,cli}.test.ts', // train a model to serve (cli: spawns mlpx serve)
        'test/web/**', // Chromium
        'test/export/execution-providers.test.ts', // WebGPU through SwiftShader
        'test/train/backends/webgpu-training.test.ts', // WebGPU through SwiftShader
        'test/train/backends/select-backend.test.ts', // WebGPU through SwiftShader
        'test/train/layers/webgpu-kernels.test.ts', // WebGPU through SwiftShader
        'test/train/layers/dropout-mask-webgpu.test.ts', // WebGPU through SwiftShader
        'test/train/training/adamw-webgpu.test.ts', // WebGPU through SwiftShader
        'test/train/training/step-metrics.test.ts', // WebGPU through SwiftShader
        'test/train/real-data/**', // trains to an accuracy
        'test/train/checkpoint/resume*.test.ts', // trains, interrupts and resumes runs
        'test/export/models.test.ts', // trains a model to export
        'test/infer/infer.test.ts', // trains a model to classify with
        'test/infer/packed-install.test.ts', // trains, packs and installs
        'test/install/**', // packs and installs the packages, spawns the installed mlpx
        'test/infer/cuda/setup-cuda.test.ts', // compiles stand-in libraries, links into node_modules
      ],
    },
  }),
);
