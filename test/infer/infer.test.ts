/**
 * @mlpx/infer against TensorFlow.js: infer on image files gives the labels the trained tfjs model
 * gives for the same pixels; eval's ONNX Runtime top-1 equals the tfjs test accuracy exactly.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier } from '@mlpx/infer/src/classifier.js';
import { evaluateDataset } from '@mlpx/infer/src/eval/evaluate-dataset.js';
import { inferFiles } from '@mlpx/infer/src/infer-files.js';
import { decodeImage } from '@mlpx/core/src/images/decode-image.js';
import { MODEL_NAMES } from '@mlpx/train/src/models/model-config.js';
import { headOf } from '@mlpx/core/src/images/image-split.js';
import { evaluate } from '@mlpx/train/src/training/evaluate.js';
import { useBackend } from '../helpers/backend.js';
import { tempDir } from '../helpers/dataset-fixtures.js';
import { writeOnnx } from '../helpers/exported-models.js';
import { FASHION_SHAPE, fashionMnist, trainedModel } from '../helpers/trained-models.js';

useBackend('wasm');

let work: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  work = await tempDir();
});
afterAll(async () => {
  await work.remove();
});

function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

describe('infer on files', () => {
  it('labels PNG and JPEG files as the tfjs model does; skips a text file; reports a truncated PNG as failed', async () => {
    const model = await trainedModel('mixer');
    const onnx = await writeOnnx(model, work.path, 'mixer');
    const data = await fashionMnist();
    const folder = join(work.path, 'images');
    const nested = join(folder, 'nested');
    await mkdir(nested, { recursive: true });
    for (let i = 0; i < 12; i++) {
      const raw = sharp(data.test.images.subarray(i * 784, (i + 1) * 784), { raw: { width: 28, height: 28, channels: 1 } });
      await (i % 2 ? raw.jpeg({ quality: 90 }) : raw.png()).toFile(join(i < 6 ? folder : nested, `${i}.${i % 2 ? 'jpg' : 'png'}`));
    }
    await writeFile(join(folder, 'readme.txt'), 'not an image');
    const png = await sharp(data.test.images.subarray(0, 784), { raw: { width: 28, height: 28, channels: 1 } })
      .png()
      .toBuffer();
    await writeFile(join(folder, 'truncated.png'), png.subarray(0, png.length >> 1));

    const classifier = await createClassifier(onnx);
    const result = await inferFiles(classifier, [folder], { batchSize: 5, topK: 3 });
    expect(result.executionProvider).toBe('cpu');
    expect(result.results).toHaveLength(12);
    expect(result.skipped).toEqual([join(folder, 'readme.txt')]);
    expect(result.failed.map((f) => f.file)).toEqual([join(folder, 'truncated.png')]);
    expect(result.failed[0]!.error).toMatch(/truncated\.png/);
    for (const { file, predictions } of result.results) {
      expect(predictions).toHaveLength(3);
      const pixels = await decodeImage(file, { height: 28, width: 28, channels: 1 });
      const logits = tf.tidy(() => model.predict(tf.tensor4d(Float32Array.from(pixels), [1, 28, 28, 1])) as tf.Tensor);
      expect(predictions[0]!.index, file).toBe(argmax(await logits.data()));
      expect(predictions[0]!.label).toBe(classifier.labels[predictions[0]!.index]);
      logits.dispose();
    }
    await classifier.release();
    model.dispose();
  }, 120_000);
});

describe('eval: the deployed top-1 equals the tfjs test accuracy on the same images', () => {
  for (const name of MODEL_NAMES) {
    it(
      name,
      async () => {
        const model = await trainedModel(name);
        const data = await fashionMnist();
        const tfjs = await evaluate(model, headOf(data.test, FASHION_SHAPE, 1000), FASHION_SHAPE, 250);
        const classifier = await createClassifier(await writeOnnx(model, work.path, name));
        const report = await evaluateDataset(classifier, { dataset: data.name, test: data.test, shape: FASHION_SHAPE }, { limit: 1000 });
        expect(report.images).toBe(1000);
        expect(report.top1).toBe(tfjs.accuracy);
        expect(report.top5).toBe(tfjs.top5);
        expect(report.trained).toBeUndefined(); // this export carries no training record
        await classifier.release();
        model.dispose();
      },
      120_000,
    );
  }
});

describe('createClassifier', () => {
  it('classifies raw pixels and encoded bytes alike', async () => {
    const model = await trainedModel('gmlp');
    const classifier = await createClassifier(await writeOnnx(model, work.path, 'gmlp-api'));
    const data = await fashionMnist();
    const pixels = data.test.images.subarray(0, 784);
    const png = await sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } })
      .png()
      .toBuffer();
    const [fromPixels, fromPng] = await classifier.classify([{ pixels }, new Uint8Array(png)], { topK: 2 });
    expect(fromPixels!.predictions).toHaveLength(2);
    expect(Array.from(fromPng!.probabilities)).toEqual(Array.from(fromPixels!.probabilities));
    expect(fromPixels!.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    await expect(classifier.classify([{ pixels: new Uint8Array(10) }])).rejects.toThrow(/expected 28x28x1/);
    await classifier.release();
    model.dispose();
  }, 120_000);
});
