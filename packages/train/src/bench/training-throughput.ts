/**
 * Training throughput on the active backend: images per second of the full training step
 * (forward with dropout and augmentation, gradients, AdamW) at a given configuration, on seeded
 * synthetic images. Warm-up steps first (kernel compilation, memory pools), then the median of
 * the timed steps. Used by `mlpx bench` and the GPU measurements in BENCHMARKS.md.
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { channelStatistics } from '../layers/normalization.js';
import { randomSource } from '../layers/random-source.js';
import { buildClassifier } from '../models/build-classifier.js';
import { SEED_ARCHITECTURE, type Architecture, type ModelName } from '../models/model-config.js';
import { AdamW } from '../training/adamw.js';
import { trainStep } from '../training/train-step.js';
import { median } from './images-per-second.js';

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
}

export interface TrainingThroughput {
  readonly model: ModelName;
  readonly backend: string;
  readonly batchSize: number;
  /** batchSize / the median step time. */
  readonly imagesPerSec: number;
  readonly stepSeconds: readonly number[];
}

export async function measureTrainingThroughput(options: TrainingThroughputOptions): Promise<TrainingThroughput> {
  const [height, width, channels] = options.inputShape ?? [32, 32, 3];
  const batchSize = options.batchSize ?? 128;
  const numClasses = options.numClasses ?? 100;
  const random = seedrandom.alea('throughput');
  const pixels = Uint8Array.from({ length: batchSize * height * width * channels }, () => Math.floor(random() * 256));
  const labels = Int32Array.from({ length: batchSize }, () => Math.floor(random() * numClasses));
  randomSource.reseed(1);
  const model = buildClassifier(
    { model: options.model, inputHeight: height, inputWidth: width, inputChannels: channels, numClasses, ...(options.architecture ?? SEED_ARCHITECTURE) },
    channelStatistics(pixels, channels),
  );
  const optimizer = new AdamW({ learningRate: 1e-3, weightDecay: 1e-4 });
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const images = tf.tensor4d(Float32Array.from(pixels), [batchSize, height, width, channels]);
  const labelTensor = tf.tensor1d(labels, 'int32');
  const stepSeconds: number[] = [];
  try {
    const total = (options.warmupSteps ?? 1) + (options.steps ?? 3);
    for (let step = 0; step < total; step++) {
      const started = performance.now();
      const totals = trainStep(model, optimizer, variables, images, labelTensor);
      await totals.data();
      totals.dispose();
      if (step >= (options.warmupSteps ?? 1)) stepSeconds.push((performance.now() - started) / 1000);
    }
  } finally {
    tf.dispose([images, labelTensor]);
    optimizer.dispose();
    model.dispose();
  }
  return { model: options.model, backend: tf.getBackend(), batchSize, imagesPerSec: batchSize / median(stepSeconds), stepSeconds };
}
