/**
 * `mlpx quickstart` (npm run quickstart): the whole pipeline on a default that works offline, as
 * a user would type it: train a small MLP-Mixer on 5,000 Fashion-MNIST images (from the sample
 * shipped with @mlpx/train, so no network and no system package is needed), export it to ONNX,
 * classify a few test images written out as PNG files, and evaluate the deployed model against
 * the accuracy it had when trained.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import sharp from 'sharp';
import { defaultRunFolder, loadDataset } from '@mlpx/train';
import { formatDuration, info } from '../progress/terminal.js';

/** The family the quickstart trains (one of @mlpx/train's MODEL_NAMES). */
const QUICKSTART_MODEL = 'mixer';

export const QUICKSTART_TRAIN_ARGS = [
  '--model',
  QUICKSTART_MODEL,
  '--dataset',
  'fashion-mnist-sample',
  '--limit',
  '5000',
  '--epochs',
  '2',
  '--batch-size',
  '64',
  '--image-size',
  '28',
  '--patch-size',
  '4',
  '--embedding-dim',
  '64',
  '--blocks',
  '2',
  '--no-augment',
];
const SAMPLE_IMAGES = 8;

async function writeSamples(folder: string): Promise<void> {
  const dataset = await loadDataset('fashion-mnist-sample', { limit: SAMPLE_IMAGES });
  await mkdir(folder, { recursive: true });
  const pixels = dataset.height * dataset.width * dataset.channels;
  for (let i = 0; i < SAMPLE_IMAGES; i++) {
    const name = `${String(i).padStart(2, '0')}-${dataset.classNames[dataset.test.labels[i]!]!.replace(/\W+/g, '-').toLowerCase()}.png`;
    await sharp(dataset.test.images.subarray(i * pixels, (i + 1) * pixels), { raw: { width: dataset.width, height: dataset.height, channels: 1 } })
      .png()
      .toFile(join(folder, name));
  }
}

export function quickstartCommand(run: (argv: string[]) => Promise<number>): Command {
  return new Command('quickstart')
    .option('-o, --out <dir>', 'run folder (default runs/mixer-fashion-mnist-<timestamp>, and runs/latest)')
    .action(async (flags: { out?: string }) => {
      const started = performance.now();
      const out = flags.out ?? defaultRunFolder(QUICKSTART_MODEL, 'fashion-mnist');
      const model = join(out, 'model.onnx');
      const samples = join(out, 'samples');
      const steps: string[][] = [
        ['train', ...QUICKSTART_TRAIN_ARGS, '--out', out],
        ['export', '--run', out, model],
        ['infer', '--model', model, '--top', '3', samples],
        ['eval', '--model', model],
      ];
      for (const [i, args] of steps.entries()) {
        if (args[0] === 'infer') {
          await writeSamples(samples);
          info(`wrote ${SAMPLE_IMAGES} Fashion-MNIST test images to ${samples}/`);
        }
        info(`\n[${i + 1}/${steps.length}] $ mlpx ${args.join(' ')}`);
        const code = await run(['node', 'mlpx', ...args]);
        if (code !== 0) {
          process.exitCode = code;
          info(`quickstart stopped: mlpx ${args[0]} exited with ${code}`);
          return;
        }
      }
      info(`\nquickstart done in ${formatDuration((performance.now() - started) / 1000)}: the run is in ${out}/ (model.onnx, curves.svg, metrics.json)`);
    });
}
