#!/usr/bin/env node
// Times several ONNX image classifiers side by side on onnxruntime-node's CPU provider, in one
// process, interleaved (A B A B ...), so that the drift of a shared machine hits all of them
// alike: images/s at batch 1 and 128, the median of 7 rounds of at least 512 images each (ROUNDS
// to change it), and each file's speed against the first as the median of the rounds' ratios
// (the ratio within a round sees the machine's load of that moment only). THREADS sets ONNX
// Runtime's intra-op threads (default: its own choice, the physical cores).
// Each model takes raw NHWC pixels as 'images' [batch, 32, 32, 3]: an .onnx file (such as
// scripts/bench/torch_mixer_reference.py's torch.onnx export), or mlpx:<model>, which builds that
// model at the seed configuration (random weights) and exports it with mlpx's exporter (run
// `npm run build` first).
//
//   node scripts/bench/onnx-ab.mjs mlpx:mixer /tmp/torch-mixer.onnx
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

async function modelBytes(spec) {
  if (!spec.startsWith('mlpx:')) return readFileSync(spec);
  const train = await import('@mlpx/train');
  const { exportToOnnx } = await import('@mlpx/export');
  await train.selectBackend('wasm');
  train.randomSource.reseed(1);
  const pixels = Uint8Array.from({ length: 64 * 32 * 32 * 3 }, (_, i) => (i * 7919) % 256);
  const config = { model: spec.slice(5), inputHeight: 32, inputWidth: 32, inputChannels: 3, numClasses: 100, ...train.SEED_ARCHITECTURE };
  return exportToOnnx(train.buildClassifier(config, train.channelStatistics(pixels, 3)));
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node scripts/bench/onnx-ab.mjs <model.onnx> [<model.onnx> ...]');
  process.exit(1);
}
const sessions = [];
const threads = process.env.THREADS ? { intraOpNumThreads: Number(process.env.THREADS) } : {};
const rounds = Number(process.env.ROUNDS ?? 7);
for (const file of files) sessions.push(await ort.InferenceSession.create(await modelBytes(file), threads));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
for (const batch of [1, 128]) {
  const images = new ort.Tensor(
    'float32',
    Float32Array.from({ length: batch * 32 * 32 * 3 }, (_, i) => (i * 7919) % 256),
    [batch, 32, 32, 3],
  );
  const runs = Math.max(1, Math.ceil(512 / batch));
  const rates = files.map(() => []);
  for (const session of sessions) for (let i = 0; i < 3; i++) await session.run({ images });
  for (let round = 0; round < rounds; round++) {
    for (const [k, session] of sessions.entries()) {
      const started = performance.now();
      for (let i = 0; i < runs; i++) await session.run({ images });
      rates[k].push((runs * batch) / ((performance.now() - started) / 1000));
    }
  }
  files.forEach((file, k) => {
    const ratio = median(rates[k].map((rate, round) => rate / rates[0][round]));
    console.log(`batch ${String(batch).padEnd(3)} ${median(rates[k]).toFixed(0).padStart(6)} images/s  ${ratio.toFixed(2)}x the first  ${file}`);
  });
}
