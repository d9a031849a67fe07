#!/usr/bin/env node
// `mlpx setup cuda --source nuget`: fetches onnxruntime-node's CUDA execution provider libraries
// (libonnxruntime_providers_cuda.so and libonnxruntime_providers_shared.so, CUDA 12 / cuDNN 9,
// from the NuGet package Microsoft.ML.OnnxRuntime.Gpu.Linux) by running onnxruntime-node's own
// install script with --onnxruntime-node-install=cuda12. mlpx installs with that download skipped
// (ONNXRUNTIME_NODE_INSTALL=skip), so that installs succeed on machines that cannot reach NuGet;
// this brings it back on request. A failure exits 1 with the reason in one line.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const say = (message) => process.stderr.write(`mlpx: ${message}\n`);

if (process.platform !== 'linux' || process.arch !== 'x64') {
  say(`the CUDA execution provider of onnxruntime-node is fetched for Linux x64 only (this is ${process.platform}/${process.arch})`);
  process.exit(1);
}

let ortRoot;
try {
  ortRoot = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
} catch {
  say('onnxruntime-node is not installed beside @mlpx/infer; reinstall mlpx');
  process.exit(1);
}
const provider = join(ortRoot, 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_cuda.so');
if (existsSync(provider)) {
  say(`the CUDA provider is already installed: ${provider}`);
  process.exit(0);
}
say('fetching the CUDA execution provider for onnxruntime-node (about 300 MB from NuGet)...');
// Its stderr is kept back: a failure is reported as its error line, not as a stack trace.
const result = spawnSync(process.execPath, [join(ortRoot, 'script', 'install.js'), '--onnxruntime-node-install=cuda12'], {
  cwd: ortRoot,
  stdio: ['ignore', 'inherit', 'pipe'],
  encoding: 'utf8',
  env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12', npm_config_onnxruntime_node_install: 'cuda12' },
});
if (result.status === 0 && existsSync(provider)) {
  say(`installed ${provider}`);
  process.exit(0);
}
const reason = /^\w*Error: .*$/m.exec(result.stderr ?? '')?.[0] ?? (result.stderr ?? '').trim().split('\n').pop() ?? '';
say(
  `could not fetch the CUDA execution provider from NuGet${reason ? ` (${reason})` : ''}. CPU and WebGPU inference work without it; ` +
    'run `mlpx setup cuda` (PyPI) instead, or retry when NuGet can be reached.',
);
process.exit(1);
