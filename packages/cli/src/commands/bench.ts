/**
 * `mlpx bench`: one run, one machine, side by side: training images/s of each model on each
 * training backend, and inference images/s of each model exported to ONNX on onnxruntime-node's
 * CPU provider against TensorFlow.js predict on wasm, at batch 1 and 128, plus peak memory.
 * Training is measured against a baseline trained in the same run: the same architecture from
 * stock tfjs layers, trained by model.fit (buildPlainClassifier). Seed configuration (CIFAR-100
 * input, batch 128) by default; --quick is a smoke run with a tiny configuration (not a
 * measurement).
 */
import { availableParallelism, cpus } from 'node:os';
import { Command } from 'commander';
import { exportToOnnx } from '@mlpx/export';
import { measureInferenceThroughput } from '@mlpx/infer';
import {
  autoThreads,
  buildClassifier,
  channelStatistics,
  describeError,
  MODEL_NAMES,
  measureMatmulGflops,
  measurePlainTrainingThroughput,
  measurePredictThroughput,
  measureTrainingThroughput,
  MlpxError,
  probeWebgpuAdapter,
  randomSource,
  SEED_ARCHITECTURE,
  selectBackend,
  trainingFlopsPerImage,
  type Architecture,
  type ModelName,
} from '@mlpx/train';
import { info } from '../progress/terminal.js';

const TRAINING_BACKENDS = ['wasm', 'webgpu', 'cpu', 'tensorflow'] as const;
type TrainingBackend = (typeof TRAINING_BACKENDS)[number];

interface BenchFlags {
  quick?: boolean;
  json?: boolean;
  models: string;
  backends?: string;
}

interface BenchReport {
  machine: { cpu: string; cores: number; node: string; platform: string };
  configuration: { quick: boolean; architecture: Architecture; inputShape: [number, number, number]; trainingBatch: number };
  /**
   * gflops: the step's matmul FLOPs per second (trainingFlopsPerImage x images/s); peakGflops: the
   * backend's plain matmul rate on one thread, measured in the same run, times the threads.
   */
  training: { model: ModelName; backend: string; threads: number; imagesPerSec: number; baselineImagesPerSec: number; gflops: number; peakGflops: number }[];
  skipped: { backend: string; reason: string }[];
  inference: { model: ModelName; ep: 'cpu'; batch: number; imagesPerSec: number; tfjsImagesPerSec: number }[];
  peakRssMiB: number;
}

function parseList<T extends string>(text: string, allowed: readonly T[], flag: string): T[] {
  const names = text.split(',').map((n) => n.trim()).filter(Boolean);
  for (const name of names) if (!(allowed as readonly string[]).includes(name)) throw new MlpxError(`${flag}: unknown '${name}'; choose from ${allowed.join(', ')}`);
  return names as T[];
}

/** wasm, and webgpu when the adapter is a real GPU (a software one is slower than wasm). */
async function defaultBackends(skipped: BenchReport['skipped']): Promise<TrainingBackend[]> {
  try {
    const adapter = await probeWebgpuAdapter();
    if (!adapter.software) return ['wasm', 'webgpu'];
    skipped.push({ backend: 'webgpu', reason: 'only a software adapter (name it with --backends to measure it anyway)' });
  } catch (error) {
    skipped.push({ backend: 'webgpu', reason: describeError(error) });
  }
  return ['wasm'];
}

function table(report: BenchReport): string {
  const lines = [
    `machine: ${report.machine.cpu}, ${report.machine.cores} cores, Node ${report.machine.node}`,
    `configuration: ${report.configuration.quick ? 'quick (a smoke run, not a measurement)' : 'seed'}: input ${report.configuration.inputShape.join('x')}, image ${report.configuration.architecture.imageSize}, patch ${report.configuration.architecture.patchSize}, embedding ${report.configuration.architecture.embeddingDim}, ${report.configuration.architecture.blocks} block${report.configuration.architecture.blocks === 1 ? "" : "s"}, training batch ${report.configuration.trainingBatch}`,
    '',
    'training (images/s): mlpx vs the plain tfjs model.fit baseline',
    ...report.training.map(
      (t) =>
        `  ${t.model.padEnd(6)} ${t.backend.padEnd(7)} ${`${t.threads} thread${t.threads > 1 ? 's' : ''}`.padEnd(9)} ${t.imagesPerSec.toFixed(1).padStart(7)} vs ${t.baselineImagesPerSec.toFixed(1).padStart(6)}  (${(t.imagesPerSec / t.baselineImagesPerSec).toFixed(1)}x)` +
        `  matmuls at ${t.gflops.toFixed(1)} of ${t.peakGflops.toFixed(0)} GFLOP/s`,
    ),
    ...report.skipped.map((s) => `  ${s.backend}: skipped, ${s.reason}`),
    '',
    'inference (images/s): ONNX Runtime CPU vs TensorFlow.js predict (wasm)',
    ...report.inference.map((i) => `  ${i.model.padEnd(6)} batch ${String(i.batch).padEnd(4)} ${i.imagesPerSec.toFixed(0).padStart(8)} vs ${i.tfjsImagesPerSec.toFixed(0).padStart(7)}  (${(i.imagesPerSec / i.tfjsImagesPerSec).toFixed(1)}x)`),
    '',
    `peak memory: ${report.peakRssMiB.toFixed(0)} MiB`,
  ];
  return `${lines.join('\n')}\n`;
}

export function benchCommand(): Command {
  return new Command('bench')
    .description('measure training and inference throughput of the three models, side by side, on this machine')
    .option('--quick', 'a few steps of a tiny configuration: a smoke run, not a measurement')
    .option('--json', 'print one JSON document')
    .option('--models <list>', 'models to measure', MODEL_NAMES.join(','))
    .option('--backends <list>', `training backends (${TRAINING_BACKENDS.join(', ')}); default wasm, and webgpu on a GPU`)
    .action(async (flags: BenchFlags) => {
      const quick = flags.quick === true;
      const models = parseList(flags.models, MODEL_NAMES, '--models');
      const skipped: BenchReport['skipped'] = [];
      const backends = flags.backends ? parseList(flags.backends, TRAINING_BACKENDS, '--backends') : await defaultBackends(skipped);
      const architecture: Architecture = quick ? { imageSize: 16, patchSize: 4, embeddingDim: 16, blocks: 1, dropout: 0.2, gelu: 'exact' } : { ...SEED_ARCHITECTURE };
      const inputShape: [number, number, number] = [32, 32, 3];
      const trainingBatch = quick ? 32 : 128;
      const report: BenchReport = {
        machine: { cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: availableParallelism(), node: process.version, platform: `${process.platform}/${process.arch}` },
        configuration: { quick, architecture, inputShape, trainingBatch },
        training: [],
        skipped,
        inference: [],
        peakRssMiB: 0,
      };
      for (const backend of backends) {
        try {
          await selectBackend(backend);
        } catch (error) {
          skipped.push({ backend, reason: describeError(error).split('\n').join(' ') });
          continue;
        }
        const matmulGflops = await measureMatmulGflops(quick ? 2 : 7);
        for (const model of models) {
          if (!flags.json) info(`training ${model} on ${backend}...`);
          const options = { model, architecture, inputShape, batchSize: trainingBatch, warmupSteps: 1, steps: quick ? 1 : 3 };
          const result = await measureTrainingThroughput({ ...options, threads: autoThreads(backend, trainingBatch) });
          if (!flags.json) info(`  the plain tfjs baseline of ${model} on ${backend}...`);
          const baseline = await measurePlainTrainingThroughput(options);
          const flops = trainingFlopsPerImage({ model, inputChannels: inputShape[2], numClasses: 100, ...architecture });
          report.training.push({
            model,
            backend,
            threads: result.threads,
            imagesPerSec: result.imagesPerSec,
            baselineImagesPerSec: baseline.imagesPerSec,
            gflops: (result.imagesPerSec * flops) / 1e9,
            peakGflops: matmulGflops * result.threads,
          });
        }
      }
      await selectBackend('wasm');
      for (const model of models) {
        if (!flags.json) info(`inference of ${model}...`);
        randomSource.reseed(1);
        const pixels = Uint8Array.from({ length: 64 * 32 * 32 * 3 }, (_, i) => (i * 7919) % 256);
        const classifier = buildClassifier({ model, inputHeight: 32, inputWidth: 32, inputChannels: 3, numClasses: 100, ...architecture }, channelStatistics(pixels, 3));
        const onnx = exportToOnnx(classifier);
        for (const batch of quick ? [1, 16] : [1, 128]) {
          const volume = quick ? { repetitions: 1, imagesPerRepetition: batch } : { repetitions: 3, imagesPerRepetition: 256 };
          report.inference.push({
            model,
            ep: 'cpu',
            batch,
            imagesPerSec: await measureInferenceThroughput({ model: onnx, inputShape, batchSize: batch, ...volume }),
            tfjsImagesPerSec: await measurePredictThroughput(classifier, { batchSize: batch, ...volume }),
          });
        }
        classifier.dispose();
      }
      report.peakRssMiB = process.resourceUsage().maxRSS / 1024;
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : table(report));
    });
}
