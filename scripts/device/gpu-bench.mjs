// Seed-configuration training throughput on tfjs's webgpu backend (Dawn) against wasm (one thread
// and data-parallel threads), each against the plain tfjs model.fit baseline on the same backend,
// for a GPU machine without Node or npm (the `device` tool of mlpx's workplace; see BENCHMARKS.md).
// scripts/device/prepare.sh puts this file, a compressed Node and the needed packages in .device/.
// Run there from the repository root: node .device/gpu-bench.mjs [--small]
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { selectBackend } from './mlpx/packages/train/dist/backends/select-backend.js';
import { measurePlainTrainingThroughput, measureTrainingThroughput } from './mlpx/packages/train/dist/bench/training-throughput.js';
import { MODEL_NAMES } from './mlpx/packages/train/dist/models/model-config.js';
import { autoThreads } from './mlpx/packages/train/dist/parallel/data-parallel-step.js';

const small = process.argv.includes('--small');
const architecture = small ? { imageSize: 16, patchSize: 4, embeddingDim: 16, blocks: 1, dropout: 0.2, gelu: 'exact' } : undefined;
const gpu = (() => {
  try {
    return execFileSync('nvidia-smi', ['--query-gpu=name,driver_version', '--format=csv,noheader'], { encoding: 'utf8' }).trim();
  } catch {
    return 'no nvidia-smi';
  }
})();
const report = { date: new Date().toISOString(), node: process.version, gpu, cpu: `${execFileSync('nproc', { encoding: 'utf8' }).trim()} cores`, results: [] };
console.log(JSON.stringify({ gpu: report.gpu, node: report.node }));
const threadChoices = (backend) => (backend === 'wasm' ? [...new Set([autoThreads('wasm', 128), 1])] : [1]);
for (const [backend, warmupSteps, steps] of [
  ['webgpu', 2, 5],
  ['wasm', 1, 3],
]) {
  let selected;
  try {
    selected = await selectBackend(backend);
  } catch (error) {
    console.log(JSON.stringify({ backend, error: error.message }));
    report.results.push({ backend, error: error.message });
    continue;
  }
  console.log(JSON.stringify({ backend, description: selected.description }));
  for (const model of MODEL_NAMES) {
    const runs = [
      ...threadChoices(backend).map((threads) => [
        'mlpx',
        () => measureTrainingThroughput({ model, warmupSteps, steps, threads, ...(architecture ? { architecture } : {}) }),
      ]),
      ['plain', () => measurePlainTrainingThroughput({ model, warmupSteps: 1, steps: 2, ...(architecture ? { architecture } : {}) })],
    ];
    for (const [path, measure] of runs) {
      const started = performance.now();
      try {
        const result = await measure();
        const row = { backend, path, description: selected.description, ...result, wallSeconds: (performance.now() - started) / 1000 };
        report.results.push(row);
        console.log(JSON.stringify(row));
      } catch (error) {
        console.log(JSON.stringify({ backend, model, path, error: String(error?.stack ?? error).slice(0, 2000) }));
        report.results.push({ backend, model, path, error: String(error?.message ?? error) });
      }
    }
  }
}
if (process.env.OUT) writeFileSync(`${process.env.OUT}/gpu-bench.json`, JSON.stringify(report, null, 2));
