/** `mlpx setup`: optional runtime parts, fetched or built on demand. */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { MlpxError } from '@mlpx/core';
import { setupTensorflowCommand } from './setup-tensorflow.js';

export function setupCommand(): Command {
  return new Command('setup')
    .addCommand(setupTensorflowCommand())
    .addCommand(
      new Command('cuda').description("fetch onnxruntime-node's CUDA 12 execution provider (about 300 MB, from NuGet)").action(() => {
        const script = join(dirname(createRequire(import.meta.url).resolve('@mlpx/infer/package.json')), 'scripts', 'fetch-cuda-provider.mjs');
        const result = spawnSync(process.execPath, [script], { stdio: 'inherit' });
        if (result.status !== 0) throw new MlpxError('mlpx setup cuda failed (see above)');
      }),
    );
}
