#!/usr/bin/env node
// Writes one model at the seed configuration (CIFAR-100's 32x32x3 input resized to 64, patch 8,
// embedding 256, 4 blocks, 100 classes; random weights from seed 1) exported by this checkout's
// @mlpx/export: the same graph scripts/bench/onnx-ab.mjs builds for mlpx:<model>, as a file, so
// that an export of another commit can be timed against this one (BENCHMARKS.md, "FNet's Fourier
// transform"). It uses only exportToOnnx and @mlpx/train's builders, so it runs on older
// checkouts too. Run `npm run build` first.
//
//   node scripts/bench/seed-export.mjs fnet /tmp/fnet-before.onnx
import { writeFileSync } from 'node:fs';

const [model, output] = process.argv.slice(2);
const train = await import('@mlpx/train');
if (!model || !output) {
  console.error(`usage: node scripts/bench/seed-export.mjs <${train.MODEL_NAMES.join('|')}> <out.onnx>`);
  process.exit(1);
}
const { exportToOnnx } = await import('@mlpx/export');
await train.selectBackend('wasm');
train.randomSource.reseed(1);
const pixels = Uint8Array.from({ length: 64 * 32 * 32 * 3 }, (_, i) => (i * 7919) % 256);
const config = { model, inputHeight: 32, inputWidth: 32, inputChannels: 3, numClasses: 100, ...train.SEED_ARCHITECTURE };
writeFileSync(output, exportToOnnx(train.buildClassifier(config, train.channelStatistics(pixels, 3))));
