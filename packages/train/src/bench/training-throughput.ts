/**
 * Training throughput on the active backend: images per second of the full training step
 * (forward with dropout and augmentation, gradients, AdamW) at a given configuration, on seeded
 * synthetic images. Warm-up steps first (kernel compilation, memory pools), then the median of
 * the timed steps. Used by `mlpx bench` and the GPU measurements in BENCHMARKS.md, for mlpx's
 * training step and for the plain tfjs baseline it is compared with.
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { median } from '@mlpx/core';
import { channelStatistics, type ChannelStatistics } from '../layers/normalization.js';
import { randomSource } from '../layers/random-source.js';
import { buildPlainClassifier } from '../models/build-plain-classifier.js';
import { buildClassifier } from '../models/build-classifier.js';
import { SEED_ARCHITECTURE, type Architecture, type ModelConfig, type ModelName } from '../models/model-config.js';
import { AdamW } from '../training/adamw.js';
import { metricsReadsDeferred } from '../training/step-metrics.js';
import { startTrainStep } from '../fit/start-train-step.js';
import { backendTraits } from '../backend-api/backend-traits.js';
import type { WebgpuCounts } from './webgpu-step-counters.js';

export interface TrainingThroughputOptions {
  readonly model: ModelName;
  /** Defaults to the seed's architecture. */
  readonly architecture?: Architecture;
  /** [height, width, channels] of the input images (default CIFAR-100's [32, 32, 3]). */
  readonly inputShape?: readonly [number, number, number];
  readonly numClasses?: number;
  readonly batchSize?: number;
  readonly warmupSteps?: number;
  readonly steps?: number;
  /** Threads per step for mlpx's step (data-parallel on wasm and cpu); default 1. */
  readonly threads?: number;
}

export interface TrainingThroughput {
  readonly model: ModelName;
  readonly backend: string;
  readonly batchSize: number;
  /** batchSize / the median step time. */
  readonly imagesPerSec: number;
  readonly stepSeconds: readonly number[];
  readonly threads: number;
  /** On webgpu: what one timed step asked of the GPU, on average (webgpu-step-counters.ts). */
  readonly gpuWorkPerStep?: WebgpuCounts;
}

/** Counts the GPU work of the timed steps where the backend has a counter (webgpu); a no-op elsewhere. */
function gpuWorkCounter(): { startTimedSteps(): void; perStep(steps: number): WebgpuCounts | undefined; stop(): void } {
  const counter = backendTraits().gpuWorkCounter?.();
  return {
    startTimedSteps: () => counter?.reset(),
    perStep: (steps) => {
      if (!counter || steps === 0) return undefined;
      const counts = counter.snapshot();
      return Object.fromEntries(Object.entries(counts).map(([key, value]) => [key, value / steps])) as unknown as WebgpuCounts;
    },
    stop: () => counter?.stop(),
  };
}

interface SyntheticBatch {
  readonly config: ModelConfig;
  readonly statistics: ChannelStatistics;
  readonly pixels: Uint8Array;
  readonly labels: Int32Array;
  readonly batchSize: number;
  readonly total: number;
  readonly warmup: number;
}

/** Seeded images and labels for one batch, and the model configuration to measure. */
function syntheticBatch(options: TrainingThroughputOptions): SyntheticBatch {
  const [height, width, channels] = options.inputShape ?? [32, 32, 3];
  const batchSize = options.batchSize ?? 128;
  const numClasses = options.numClasses ?? 100;
  const random = seedrandom.alea('throughput');
  const pixels = Uint8Array.from({ length: batchSize * height * width * channels }, () => Math.floor(random() * 256));
  const labels = Int32Array.from({ length: batchSize }, () => Math.floor(random() * numClasses));
  const config: ModelConfig = {
    model: options.model,
    inputHeight: height,
    inputWidth: width,
    inputChannels: channels,
    numClasses,
    ...(options.architecture ?? SEED_ARCHITECTURE),
  };
  const warmup = options.warmupSteps ?? 1;
  return { config, statistics: channelStatistics(pixels, channels), pixels, labels, batchSize, warmup, total: warmup + (options.steps ?? 3) };
}

/** What a measurement measured: its batch size, the timed steps' seconds, its threads, and the GPU work per step where counted. */
interface Measured {
  readonly batchSize: number;
  readonly stepSeconds: number[];
  readonly threads: number;
  readonly gpuWorkPerStep: WebgpuCounts | undefined;
}

function result(options: TrainingThroughputOptions, measured: Measured): TrainingThroughput {
  const { batchSize, stepSeconds, threads, gpuWorkPerStep } = measured;
  return {
    model: options.model,
    backend: tf.getBackend(),
    batchSize,
    imagesPerSec: batchSize / median(stepSeconds),
    stepSeconds,
    threads,
    ...(gpuWorkPerStep ? { gpuWorkPerStep } : {}),
  };
}

/** mlpx's training step: its layers, trainStep (or the data-parallel step) and AdamW. */
export async function measureTrainingThroughput(options: TrainingThroughputOptions): Promise<TrainingThroughput> {
  const { config, statistics, pixels, labels, batchSize, warmup, total } = syntheticBatch(options);
  randomSource.reseed(1);
  const model = buildClassifier(config, statistics);
  const optimizer = new AdamW({ learningRate: 1e-3, weightDecay: 1e-4 });
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const images = tf.tensor4d(Float32Array.from(pixels), [batchSize, config.inputHeight, config.inputWidth, config.inputChannels]);
  const labelTensor = tf.tensor1d(labels, 'int32');
  const stepSeconds: number[] = [];
  const runner = await startTrainStep(model, options.threads);
  const gpuWork = gpuWorkCounter();
  let gpuWorkPerStep: WebgpuCounts | undefined;
  try {
    // As fit reads metrics: every step, except where the backend defers its reads (webgpu), where
    // the timed steps run back to back and the last one's metrics are read at the end
    // (training/step-metrics.ts); their time is then measured as a whole.
    const deferred = metricsReadsDeferred();
    const pending: tf.Tensor[] = [];
    let timedStart = 0;
    for (let step = 0; step < total; step++) {
      if (step === warmup) {
        gpuWork.startTimedSteps();
        timedStart = performance.now();
      }
      const started = performance.now();
      const totals = await runner.step(optimizer, variables, images, labelTensor);
      pending.push(totals);
      if (!deferred || step < warmup || step === total - 1) {
        await totals.data();
        tf.dispose(pending.splice(0));
      }
      if (step >= warmup && !deferred) stepSeconds.push((performance.now() - started) / 1000);
    }
    if (deferred) stepSeconds.push(...Array<number>(total - warmup).fill((performance.now() - timedStart) / 1000 / (total - warmup)));
    gpuWorkPerStep = gpuWork.perStep(total - warmup);
  } finally {
    gpuWork.stop();
    await runner.close();
    tf.dispose([images, labelTensor]);
    optimizer.dispose();
    model.dispose();
  }
  return result(options, { batchSize, stepSeconds, threads: runner.threads, gpuWorkPerStep });
}

/**
 * The plain baseline: the same architecture from stock tfjs layers (buildPlainClassifier),
 * trained by model.fit with tfjs's Adam (tfjs has no AdamW) and softmax cross-entropy. Each
 * batch's time runs from onBatchBegin to onBatchEnd, which fit calls after reading the loss.
 */
export async function measurePlainTrainingThroughput(options: TrainingThroughputOptions): Promise<TrainingThroughput> {
  const { config, statistics, pixels, labels, batchSize, warmup, total } = syntheticBatch(options);
  randomSource.reseed(1);
  const model = buildPlainClassifier(config, statistics);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: (y: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, logits) });
  const batch = Float32Array.from(pixels);
  const images = tf.tidy(() => tf.tile(tf.tensor4d(batch, [batchSize, config.inputHeight, config.inputWidth, config.inputChannels]), [total, 1, 1, 1]));
  const oneHot = tf.tidy(() => tf.tile(tf.oneHot(tf.tensor1d(labels, 'int32'), config.numClasses), [total, 1]));
  const stepSeconds: number[] = [];
  let started = 0;
  const gpuWork = gpuWorkCounter();
  let gpuWorkPerStep: WebgpuCounts | undefined;
  try {
    await model.fit(images, oneHot, {
      batchSize,
      epochs: 1,
      shuffle: false,
      verbose: 0,
      callbacks: {
        onBatchBegin: async (batchIndex: number) => {
          if (batchIndex === warmup) gpuWork.startTimedSteps();
          started = performance.now();
        },
        onBatchEnd: async (batchIndex: number) => {
          if (batchIndex >= warmup) stepSeconds.push((performance.now() - started) / 1000);
        },
      },
    });
    gpuWorkPerStep = gpuWork.perStep(total - warmup);
  } finally {
    gpuWork.stop();
    tf.dispose([images, oneHot]);
    model.optimizer.dispose();
    model.dispose();
  }
  return result(options, { batchSize, stepSeconds, threads: 1, gpuWorkPerStep });
}
