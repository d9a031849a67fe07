/**
 * `mlpx bench`: one run, one machine, side by side: training images/s of each model on each
 * training backend, and inference images/s of each model exported to ONNX on onnxruntime-node's
 * CPU provider against TensorFlow.js predict on wasm, at batch 1 and 128, plus peak memory.
 * Training is measured against a baseline trained in the same run: the same architecture from
 * stock tfjs layers, trained by model.fit (buildPlainClassifier). Seed configuration (CIFAR-100
 * input, batch 128) by default; --quick is a smoke run with a tiny configuration (not a
 * measurement). --peer keras adds, for each model on tensorflow, the seed's own Keras model trained
 * by model.fit on the same TensorFlow, mlpx and Keras each in a process of its own (so that each
 * peak memory figure is one model's training).
 */
import { availableParallelism, cpus } from 'node:os';
import { Command } from 'commander';
import { describeError, MlpxError } from '@mlpx/core';
import { exportToOnnx } from '@mlpx/export';
import { measureInferenceThroughput } from '@mlpx/infer/tooling';
import {
  buildClassifier,
  channelStatistics,
  MODEL_NAMES,
  randomSource,
  SEED_ARCHITECTURE,
  selectBackend,
  type Architecture,
  type ModelName,
} from '@mlpx/train';
import {
  autoThreads,
  kerasPeerPython,
  measureKerasPeerThroughput,
  measureMatmulGflops,
  measurePlainTrainingThroughput,
  measurePredictThroughput,
  measureTrainingThroughput,
  measureTrainingThroughputInChild,
  probeWebgpuAdapterInChild,
  readTensorflowInstall,
  trainingFlopsPerImage,
  type TrainingThroughput,
  type TrainingThroughputOptions,
  type WebgpuCounts,
} from '@mlpx/train/tooling';
import { positiveInteger } from '../option-parsers.js';
import { info } from '../progress/terminal.js';

const TRAINING_BACKENDS = ['wasm', 'webgpu', 'cpu', 'tensorflow'] as const;
type TrainingBackend = (typeof TRAINING_BACKENDS)[number];
const PEERS = ['keras'] as const;
type Peer = (typeof PEERS)[number];

interface BenchFlags {
  quick?: boolean;
  batch?: number;
  json?: boolean;
  models: string;
  backends?: string;
  peer?: string;
}

/** With --peer: mlpx's training measured in a child process, against the peer's in another. */
interface PeerFigures {
  /** mlpx's child process. */
  peakRssMiB: number;
  peerImagesPerSec: number;
  peerPeakRssMiB: number;
}

/**
 * On webgpu: what one timed training step asks of the GPU, mlpx's step and the plain baseline's
 * (bench/webgpu-step-counters.ts in @mlpx/train): compute dispatches, GPU->CPU readbacks, new
 * buffer allocations, and bytes uploaded plus read back.
 */
interface GpuWorkFigures {
  dispatchesPerStep: number;
  readbacksPerStep: number;
  bufferAllocationsPerStep: number;
  bytesMovedPerStep: number;
  baseline: { dispatchesPerStep: number; readbacksPerStep: number; bufferAllocationsPerStep: number; bytesMovedPerStep: number };
}

function gpuWorkFigures(own: WebgpuCounts | undefined, baseline: WebgpuCounts | undefined): Partial<GpuWorkFigures> {
  if (!own || !baseline) return {};
  const figures = (c: WebgpuCounts) => ({
    dispatchesPerStep: c.dispatches,
    readbacksPerStep: c.readbacks,
    bufferAllocationsPerStep: c.bufferAllocations,
    bytesMovedPerStep: c.uploadBytes + c.readbackBytes,
  });
  return { ...figures(own), baseline: figures(baseline) };
}

interface BenchReport {
  machine: { cpu: string; cores: number; node: string; platform: string };
  configuration: { quick: boolean; architecture: Architecture; inputShape: [number, number, number]; trainingBatch: number };
  /**
   * gflops: the step's matmul FLOPs per second (trainingFlopsPerImage x images/s); peakGflops: the
   * backend's plain matmul rate on one thread, measured in the same run, times the threads.
   */
  training: ({
    model: ModelName;
    backend: string;
    threads: number;
    imagesPerSec: number;
    baselineImagesPerSec: number;
    gflops: number;
    peakGflops: number;
  } & Partial<PeerFigures> &
    Partial<GpuWorkFigures>)[];
  /** With --peer: what the peer ran on. */
  peer?: { name: Peer; python: string; tensorflowVersion: string; kerasVersion: string };
  skipped: { backend: string; reason: string }[];
  inference: { model: ModelName; ep: 'cpu'; batch: number; imagesPerSec: number; tfjsImagesPerSec: number }[];
  peakRssMiB: number;
}

function parseList<T extends string>(text: string, allowed: readonly T[], flag: string): T[] {
  const names = text
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  for (const name of names)
    if (!(allowed as readonly string[]).includes(name)) throw new MlpxError(`${flag}: unknown '${name}'; choose from ${allowed.join(', ')}`);
  return names as T[];
}

/** tensorflow when `mlpx setup tensorflow` has built it, wasm, and webgpu when the adapter is a real GPU (a software one is slower than wasm). */
async function defaultBackends(skipped: BenchReport['skipped']): Promise<TrainingBackend[]> {
  const backends: TrainingBackend[] = (await readTensorflowInstall()) ? ['tensorflow', 'wasm'] : ['wasm'];
  if (backends.length === 1) skipped.push({ backend: 'tensorflow', reason: 'not set up (run `mlpx setup tensorflow`)' });
  try {
    // In a child process: on a machine without a GPU driver Dawn's warnings stay out of the output.
    const adapter = await probeWebgpuAdapterInChild();
    if (!adapter.software) return [...backends, 'webgpu'];
    skipped.push({ backend: 'webgpu', reason: 'only a software adapter (name it with --backends to measure it anyway)' });
  } catch (error) {
    skipped.push({ backend: 'webgpu', reason: describeError(error) });
  }
  return backends;
}

function parsePeer(text: string): Peer {
  const [peer, ...others] = parseList(text, PEERS, '--peer');
  if (peer === undefined || others.length > 0) throw new MlpxError(`--peer takes one name: ${PEERS.join(', ')}`);
  return peer;
}

/** The peer's Python, after checking that there is something to compare it with. */
async function peerPython(peer: Peer, backends: readonly TrainingBackend[]): Promise<string> {
  if (!backends.includes('tensorflow')) {
    throw new MlpxError(
      `--peer ${peer} trains the seed's Keras model on TensorFlow, to compare with mlpx on the tensorflow backend; add it: --backends tensorflow`,
    );
  }
  return (await kerasPeerPython()).python;
}

/** mlpx in a child process of its own, then the peer in another (never both at once); notes the peer's versions in report.peer. */
async function measureAgainstPeer(
  report: BenchReport,
  python: string,
  options: TrainingThroughputOptions,
  progress: (message: string) => void,
): Promise<TrainingThroughput & PeerFigures> {
  progress(`training ${options.model} on tensorflow in a process of its own...`);
  const own = await measureTrainingThroughputInChild('tensorflow', options);
  progress(`  the seed's Keras model of ${options.model} (model.fit) in another...`);
  const peer = await measureKerasPeerThroughput(python, options);
  report.peer = { name: 'keras', python, tensorflowVersion: peer.tensorflowVersion, kerasVersion: peer.kerasVersion };
  return { ...own, peerImagesPerSec: peer.imagesPerSec, peerPeakRssMiB: peer.peakRssMiB };
}

function peerTable(report: BenchReport): string[] {
  if (!report.peer) return [];
  const rows = report.training.filter((t) => t.peerImagesPerSec !== undefined);
  const ratio = (a: number, b: number): string => `(${(a / b).toFixed(2)}x)`;
  return [
    '',
    `training on tensorflow, each in a process of its own: mlpx vs the seed's Keras model (model.fit, TensorFlow ${report.peer.tensorflowVersion}, Keras ${report.peer.kerasVersion})`,
    '  model     images/s mlpx vs Keras        peak memory (MiB) mlpx vs Keras',
    ...rows.map(
      (t) =>
        `  ${t.model.padEnd(6)} ${t.imagesPerSec.toFixed(1).padStart(9)} vs ${t.peerImagesPerSec!.toFixed(1).padStart(7)}  ${ratio(t.imagesPerSec, t.peerImagesPerSec!).padEnd(8)}` +
        `  ${t.peakRssMiB!.toFixed(0).padStart(9)} vs ${t.peerPeakRssMiB!.toFixed(0).padStart(6)}  ${ratio(t.peakRssMiB!, t.peerPeakRssMiB!)}`,
    ),
  ];
}

function table(report: BenchReport): string {
  const lines = [
    `machine: ${report.machine.cpu}, ${report.machine.cores} cores, Node ${report.machine.node}`,
    `configuration: ${report.configuration.quick ? 'quick (a smoke run, not a measurement)' : 'seed'}: input ${report.configuration.inputShape.join('x')}, image ${report.configuration.architecture.imageSize}, patch ${report.configuration.architecture.patchSize}, embedding ${report.configuration.architecture.embeddingDim}, ${report.configuration.architecture.blocks} block${report.configuration.architecture.blocks === 1 ? '' : 's'}, training batch ${report.configuration.trainingBatch}`,
    '',
    'training (images/s): mlpx vs the plain tfjs model.fit baseline',
    ...report.training.map(
      (t) =>
        `  ${t.model.padEnd(6)} ${t.backend.padEnd(7)} ${`${t.threads} thread${t.threads > 1 ? 's' : ''}`.padEnd(9)} ${t.imagesPerSec.toFixed(1).padStart(7)} vs ${t.baselineImagesPerSec.toFixed(1).padStart(6)}  (${(t.imagesPerSec / t.baselineImagesPerSec).toFixed(1)}x)` +
        `  matmuls at ${t.gflops.toFixed(1)} of ${t.peakGflops.toFixed(0)} GFLOP/s`,
    ),
    ...report.training
      .filter((t) => t.dispatchesPerStep !== undefined)
      .map(
        (t) =>
          `  ${t.model.padEnd(6)} webgpu work per step: ${t.dispatchesPerStep!.toFixed(0)} dispatches, ${t.readbacksPerStep!.toFixed(0)} readbacks, ${(t.bytesMovedPerStep! / 2 ** 20).toFixed(1)} MiB moved` +
          ` (baseline ${t.baseline!.dispatchesPerStep.toFixed(0)}, ${t.baseline!.readbacksPerStep.toFixed(0)}, ${(t.baseline!.bytesMovedPerStep / 2 ** 20).toFixed(1)} MiB)`,
      ),
    ...report.skipped.map((s) => `  ${s.backend}: skipped, ${s.reason}`),
    ...peerTable(report),
    '',
    'inference (images/s): ONNX Runtime CPU vs TensorFlow.js predict (wasm)',
    ...report.inference.map(
      (i) =>
        `  ${i.model.padEnd(6)} batch ${String(i.batch).padEnd(4)} ${i.imagesPerSec.toFixed(0).padStart(8)} vs ${i.tfjsImagesPerSec.toFixed(0).padStart(7)}  (${(i.imagesPerSec / i.tfjsImagesPerSec).toFixed(1)}x)`,
    ),
    '',
    `peak memory: ${report.peakRssMiB.toFixed(0)} MiB`,
  ];
  return `${lines.join('\n')}\n`;
}

/** What one bench run measures, and with what, from its flags. */
interface BenchSetup {
  readonly quick: boolean;
  readonly models: readonly ModelName[];
  readonly backends: readonly TrainingBackend[];
  /** With --peer: the peer's Python. */
  readonly python: string | undefined;
  readonly architecture: Architecture;
  readonly inputShape: [number, number, number];
  readonly trainingBatch: number;
  /** Progress on stderr, silent with --json. */
  readonly progress: (message: string) => void;
}

/** The run's setup from its flags; the backends left out by default are noted in `skipped`. */
async function benchSetup(flags: BenchFlags, skipped: BenchReport['skipped']): Promise<BenchSetup> {
  const quick = flags.quick === true;
  const models = parseList(flags.models, MODEL_NAMES, '--models');
  const peer = flags.peer === undefined ? undefined : parsePeer(flags.peer);
  const named = flags.backends ? parseList(flags.backends, TRAINING_BACKENDS, '--backends') : undefined;
  // Before the default backends' WebGPU probe: they never include tensorflow.
  const python = peer ? await peerPython(peer, named ?? []) : undefined;
  const backends = named ?? (await defaultBackends(skipped));
  const progress = (message: string): void => {
    if (!flags.json) info(message);
  };
  const architecture: Architecture = quick
    ? { imageSize: 16, patchSize: 4, embeddingDim: 16, blocks: 1, dropout: 0.2, gelu: 'exact' }
    : { ...SEED_ARCHITECTURE };
  const trainingBatch = flags.batch ?? (quick ? 32 : 128);
  return { quick, models, backends, python, architecture, inputShape: [32, 32, 3], trainingBatch, progress };
}

/** The report before any measurement: the machine and the configuration. */
function emptyReport(setup: BenchSetup, skipped: BenchReport['skipped']): BenchReport {
  const { quick, architecture, inputShape, trainingBatch } = setup;
  return {
    machine: {
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cores: availableParallelism(),
      node: process.version,
      platform: `${process.platform}/${process.arch}`,
    },
    configuration: { quick, architecture, inputShape, trainingBatch },
    training: [],
    skipped,
    inference: [],
    peakRssMiB: 0,
  };
}

/** One model's training on `backend` (against the peer's, with --peer on tensorflow) and its plain baseline's. */
async function benchModelTraining(
  model: ModelName,
  backend: TrainingBackend,
  matmulGflops: number,
  setup: BenchSetup,
  report: BenchReport,
): Promise<BenchReport['training'][number]> {
  const { quick, architecture, inputShape, trainingBatch, python, progress } = setup;
  const options = { model, architecture, inputShape, batchSize: trainingBatch, warmupSteps: 1, steps: quick ? 1 : 3 };
  const threads = autoThreads(backend, trainingBatch);
  let result: TrainingThroughput & Partial<PeerFigures>;
  if (python !== undefined && backend === 'tensorflow') {
    // Two processes side by side swing more than one: more steps, each side the same.
    result = await measureAgainstPeer(report, python, { ...options, threads, warmupSteps: quick ? 1 : 2, steps: quick ? 1 : 8 }, progress);
  } else {
    progress(`training ${model} on ${backend}...`);
    result = await measureTrainingThroughput({ ...options, threads });
  }
  progress(`  the plain tfjs baseline of ${model} on ${backend}...`);
  const baseline = await measurePlainTrainingThroughput(options);
  const flops = trainingFlopsPerImage({ model, inputChannels: inputShape[2], numClasses: 100, ...architecture });
  return {
    model,
    backend,
    threads: result.threads,
    imagesPerSec: result.imagesPerSec,
    baselineImagesPerSec: baseline.imagesPerSec,
    gflops: (result.imagesPerSec * flops) / 1e9,
    peakGflops: matmulGflops * result.threads,
    ...(result.peerImagesPerSec === undefined
      ? {}
      : { peakRssMiB: result.peakRssMiB, peerImagesPerSec: result.peerImagesPerSec, peerPeakRssMiB: result.peerPeakRssMiB }),
    ...gpuWorkFigures(result.gpuWorkPerStep, baseline.gpuWorkPerStep),
  };
}

/** Each model's training on `backend`, into the report; a backend that cannot be selected is skipped. */
async function benchTrainingOn(backend: TrainingBackend, setup: BenchSetup, report: BenchReport): Promise<void> {
  try {
    await selectBackend(backend);
  } catch (error) {
    report.skipped.push({ backend, reason: describeError(error).split('\n').join(' ') });
    return;
  }
  const matmulGflops = await measureMatmulGflops(setup.quick ? 2 : 7);
  for (const model of setup.models) report.training.push(await benchModelTraining(model, backend, matmulGflops, setup, report));
}

/** Each model's inference, exported to ONNX on onnxruntime-node against TensorFlow.js predict, into the report (on wasm). */
async function benchInference(setup: BenchSetup, report: BenchReport): Promise<void> {
  const { quick, architecture, inputShape, progress } = setup;
  for (const model of setup.models) {
    progress(`inference of ${model}...`);
    randomSource.reseed(1);
    const pixels = Uint8Array.from({ length: 64 * 32 * 32 * 3 }, (_, i) => (i * 7919) % 256);
    const classifier = buildClassifier(
      { model, inputHeight: 32, inputWidth: 32, inputChannels: 3, numClasses: 100, ...architecture },
      channelStatistics(pixels, 3),
    );
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
}

async function runBench(flags: BenchFlags): Promise<void> {
  const skipped: BenchReport['skipped'] = [];
  const setup = await benchSetup(flags, skipped);
  const report = emptyReport(setup, skipped);
  for (const backend of setup.backends) await benchTrainingOn(backend, setup, report);
  await selectBackend('wasm');
  await benchInference(setup, report);
  report.peakRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : table(report));
}

export function benchCommand(): Command {
  return new Command('bench')
    .option('--quick', 'a few steps of a tiny configuration: a smoke run, not a measurement')
    .option('--json', 'print one JSON document')
    .option('--models <list>', 'models to measure', MODEL_NAMES.join(','))
    .option('--batch <n>', "training batch (default 128, the seed's; 32 with --quick): smaller fits a small GPU or a software adapter", positiveInteger)
    .option('--backends <list>', `training backends (${TRAINING_BACKENDS.join(', ')}); default tensorflow where set up, wasm, and webgpu on a GPU`)
    .option(
      '--peer <name>',
      `also train each model with a peer on tensorflow (needs it in --backends), each side in a process of its own: ${PEERS.join(', ')} (the seed's Keras model, on the TensorFlow \`mlpx setup tensorflow\` installed)`,
    )
    .action(runBench);
}
