#!/usr/bin/env node
// fp32, mlpx int8, ONNX Runtime's quantize_dynamic of the same fp32 model, and fp16, side by side
// in one run (BENCHMARKS.md, "Reduced precision"):
//
// 1. Speed, at the seed configuration (CIFAR-100's 32x32x3 input resized to 64, patch 8,
//    embedding 256, 4 blocks, 100 classes; random weights, which speed does not depend on): each
//    model exported four ways, the int8 one calibrated on 256 random images (for speed only),
//    and timed on onnxruntime-node's CPU provider as scripts/bench/onnx-ab.mjs does (interleaved,
//    A B C D A B C D ..., so a shared machine's drift hits all alike): images/s at batch 1 and
//    128, the median of --rounds rounds of at least 512 images, and the median of the per-round
//    ratios to fp32; file sizes.
// 2. Accuracy, on trained Fashion-MNIST runs (--runs): each run exported the same four ways
//    (int8 calibrated on the run's own training images, mlpx export's defaults) and evaluated
//    with ONNX Runtime on the test images its training accuracy was measured on.
//
// quantize_dynamic needs Python's onnxruntime (Debian has none; a venv, see
// scripts/bench/ort_quantize_dynamic.py): --python names its interpreter. Run `npm run build`
// first.
//
//   node scripts/bench/precision.mjs --python /tmp/ort-quantize/bin/python --runs runs/mixer-fm,runs/fnet-fm,runs/gmlp-fm
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : args[i + 1];
};
const python = flag('--python', 'python3');
const runs = (flag('--runs', '') ?? '').split(',').filter(Boolean);
const rounds = Number(flag('--rounds', '7'));
const QUANTIZE = join(dirname(fileURLToPath(import.meta.url)), 'ort_quantize_dynamic.py');
const FORMS = ['fp32', 'int8', 'ort-int8', 'fp16'];

const train = await import('@mlpx/train');
const ex = await import('@mlpx/export');
const infer = await import('@mlpx/infer');
const models = (flag('--models', train.MODEL_NAMES.join(',')) ?? '').split(',');
await train.selectBackend('wasm');
const work = mkdtempSync(join(tmpdir(), 'mlpx-precision-bench-'));

function ortQuantize(fp32Path, outPath) {
  execFileSync(python, [QUANTIZE, fp32Path, outPath], { stdio: ['ignore', 'ignore', 'pipe'] });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Interleaved timing of several files at one batch size: median images/s and median ratio to the first. */
async function time(files, batch, shape) {
  const sessions = [];
  for (const file of files) sessions.push(await ort.InferenceSession.create(readFileSync(file), { graphOptimizationLevel: 'all' }));
  const [h, w, c] = shape;
  const images = new ort.Tensor(
    'float32',
    Float32Array.from({ length: batch * h * w * c }, (_, i) => (i * 7919) % 256),
    [batch, h, w, c],
  );
  const runsPerRound = Math.max(1, Math.ceil(512 / batch));
  for (const session of sessions) for (let i = 0; i < 3; i++) await session.run({ images });
  const seconds = files.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [k, session] of sessions.entries()) {
      const started = performance.now();
      for (let i = 0; i < runsPerRound; i++) await session.run({ images });
      seconds[k].push((performance.now() - started) / 1000 / runsPerRound);
    }
  }
  for (const session of sessions) await session.release();
  return files.map((_, k) => ({ imagesPerSec: batch / median(seconds[k]), vsFirst: median(seconds[k].map((s, r) => seconds[0][r] / s)) }));
}

// 1. Speed at the seed configuration.
console.log(`speed: seed configuration, onnxruntime-node CPU EP (default threads), median of ${rounds} rounds`);
console.log('| model | form | size (MB) | x fp32 | batch 1 images/s | x fp32 | batch 128 images/s | x fp32 |');
console.log('|---|---|---|---|---|---|---|---|');
for (const model of models) {
  train.randomSource.reseed(1);
  const pixels = Uint8Array.from({ length: 64 * 32 * 32 * 3 }, (_, i) => (i * 7919) % 256);
  const config = { model, inputHeight: 32, inputWidth: 32, inputChannels: 3, numClasses: 100, ...train.SEED_ARCHITECTURE };
  const classifier = train.buildClassifier(config, train.channelStatistics(pixels, 3));
  const files = Object.fromEntries(FORMS.map((form) => [form, join(work, `${model}-${form}.onnx`)]));
  writeFileSync(files['fp32'], ex.exportToOnnx(classifier));
  const calibration = await ex.calibrateActivations(classifier, ex.verificationImages(256, 32, 32, 3, 5), [256, 32, 32, 3]);
  writeFileSync(files['int8'], ex.exportToOnnx(classifier, { numerics: { precision: 'int8', activations: calibration.activations } }));
  writeFileSync(files['fp16'], ex.exportToOnnx(classifier, { numerics: { precision: 'fp16' } }));
  ortQuantize(files['fp32'], files['ort-int8']);
  classifier.dispose();
  const paths = FORMS.map((form) => files[form]);
  const [single, batched] = [await time(paths, 1, [32, 32, 3]), await time(paths, 128, [32, 32, 3])];
  const fp32Size = statSync(files['fp32']).size;
  FORMS.forEach((form, k) => {
    const size = statSync(files[form]).size;
    console.log(
      `| ${model} | ${form} | ${(size / 1e6).toFixed(2)} | ${(size / fp32Size).toFixed(2)} | ${single[k].imagesPerSec.toFixed(0)} | ${single[k].vsFirst.toFixed(2)} | ${batched[k].imagesPerSec.toFixed(0)} | ${batched[k].vsFirst.toFixed(2)} |`,
    );
  });
}

// 2. Accuracy on trained runs.
if (runs.length > 0) {
  console.log('\naccuracy: top-1 with ONNX Runtime (CPU) on the test images each run measured');
  console.log('| run | model | trained top-1 | fp32 | mlpx int8 | ORT quantize_dynamic | fp16 | sizes fp32 / int8 / ORT int8 / fp16 (KB) |');
  console.log('|---|---|---|---|---|---|---|---|');
}
for (const run of runs) {
  const metrics = train.parseRunMetrics(readFileSync(join(run, 'metrics.json'), 'utf8'), join(run, 'metrics.json'));
  const files = Object.fromEntries(FORMS.map((form) => [form, join(work, `run-${form}.onnx`)]));
  const common = { run, mlpxVersion: 'bench', onInfo: () => {} };
  await ex.exportRun({ ...common, output: files['fp32'] });
  await ex.exportRun({ ...common, output: files['int8'], precision: 'int8', maxAccuracyDrop: 1 });
  await ex.exportRun({ ...common, output: files['fp16'], precision: 'fp16', maxAccuracyDrop: 1 });
  ortQuantize(files['fp32'], files['ort-int8']);
  const { settings } = metrics;
  const data = await train.loadDataset(settings.dataset, {
    ...(settings.limit === undefined ? {} : { limit: settings.limit }),
    ...(settings.dataFile ? { dataFile: settings.dataFile } : {}),
    seed: settings.seed,
  });
  const top1 = [];
  for (const form of FORMS) {
    const classifier = await infer.createClassifier(files[form]);
    const report = await infer.evaluateDataset(
      classifier,
      { dataset: data.name, test: data.test, shape: { height: data.height, width: data.width, channels: data.channels } },
      { limit: metrics.test.images },
    );
    await classifier.release();
    top1.push(report.top1);
  }
  const sizes = FORMS.map((form) => (statSync(files[form]).size / 1024).toFixed(0)).join(' / ');
  const pct = (x) => `${(x * 100).toFixed(2)}%`;
  console.log(`| ${run} | ${metrics.modelConfig.model} | ${pct(metrics.test.accuracy)} | ${top1.map(pct).join(' | ')} | ${sizes} |`);
}
rmSync(work, { recursive: true, force: true });
