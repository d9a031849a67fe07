/**
 * A fourth model family from this folder alone (toy-block.ts, toy-converter.ts, toy-family.ts):
 * registered with @mlpx/train's registerModelFamily and @mlpx/export's registerConverter, it
 * trains as `mlpx train` trains (trainRun: the shipped Fashion-MNIST sample, the run folder),
 * exports as `mlpx export` exports (exportRun: checked against TensorFlow.js on ONNX Runtime), and
 * the exported graph matches TensorFlow.js on real images too. Only public API is used (and the
 * test helpers of the families' cases, test/families/family-cases.ts, for its own, toy-cases.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOLERANCE, exportRun, registerConverter, verifyExport } from '@mlpx/export';
import { buildClassifier, loadModel, MODEL_NAMES, modelFamilyNames, registerModelFamily, trainRun, type TrainRunResult } from '@mlpx/train';
import { buildPlainClassifier, measureKerasPeerThroughput, trainingFlopsPerImage } from '@mlpx/train/tooling';
import { tempDir } from '../../../helpers/dataset-fixtures.js';
import { fashionTestImages } from '../../../helpers/trained-models.js';
import { expectFacts, SEED_SIZES, seedTrainingFlops } from '../../../families/family-cases.js';
import { toyCases } from './toy-cases.js';
import { toyBlockConverter } from './toy-converter.js';
import { toyFamily } from './toy-family.js';

registerModelFamily(toyFamily);
registerConverter(toyBlockConverter);

const ARCHITECTURE = { imageSize: 28, patchSize: 7, embeddingDim: 16, blocks: 2, dropout: 0.1, gelu: 'exact' } as const;

describe('a model family registered from outside mlpx (the toy family)', () => {
  let work: Awaited<ReturnType<typeof tempDir>>;
  let trained: TrainRunResult;

  beforeAll(async () => {
    work = await tempDir();
    trained = await trainRun(
      {
        dataset: 'fashion-mnist-sample',
        model: 'toy',
        architecture: ARCHITECTURE,
        limit: 2000,
        epochs: 3,
        batchSize: 64,
        learningRate: toyFamily.learningRate,
        weightDecay: 1e-4,
        validationSplit: 0.1,
        seed: 3,
        backend: 'wasm',
        threads: 1,
      },
      {},
      join(work.path, 'run'),
    );
  }, 120_000);
  afterAll(() => work.remove());

  it('is listed with the built-in families', () => {
    expect(modelFamilyNames()).toEqual([...MODEL_NAMES, 'toy']);
  });

  it('trains: the run folder records the toy model and its loss falls', () => {
    const { metrics } = trained;
    expect(metrics.modelConfig).toMatchObject({ model: 'toy', imageSize: 28, patchSize: 7, blocks: 2 });
    expect(metrics.history).toHaveLength(3);
    expect(metrics.history[2]!.loss).toBeLessThan(metrics.history[0]!.loss);
    // 10 classes: well above chance after three short epochs.
    expect(metrics.test.accuracy).toBeGreaterThan(0.3);
  });

  it('exports to ONNX as mlpx export does, verified against TensorFlow.js on ONNX Runtime', async () => {
    const output = join(work.path, 'toy.onnx');
    const result = await exportRun({ run: trained.folder, output, mlpxVersion: '0.0.0-test' });
    expect(result.summary.operators['Erf']).toBe(2); // one per block
    expect(result.verification!.passed).toBe(true);
    expect(result.verification!.top1Agreement).toBe(1);
    expect(result.verification!.maxLogitDifference).toBeLessThan(DEFAULT_TOLERANCE * Math.max(1, result.verification!.logitScale));
  });

  describe('the saved model', () => {
    let model: tf.LayersModel;
    beforeAll(async () => {
      model = await loadModel(trained.folder);
    });
    afterAll(() => model.dispose());

    it('matches its ONNX export on real Fashion-MNIST images: logits within 1e-4, the same top-1', async () => {
      const { exportToOnnx } = await import('@mlpx/export');
      const bytes = exportToOnnx(model, { opset: 13 });
      const [report] = await verifyExport(model, bytes, [{ images: await fashionTestImages(64), shape: [64, 28, 28, 1] }], 1e-4);
      expect(report!.top1Agreement).toBe(1);
      expect(report!.maxLogitDifference).toBeLessThan(1e-4 * Math.max(1, report!.logitScale));
    });

    it('is computed the same by its plain-tfjs baseline with the same weights', async () => {
      const config = trained.metrics.modelConfig;
      const plain = buildPlainClassifier(config, { mean: new Float32Array([0]), variance: new Float32Array([1]) });
      plain.setWeights(model.getWeights());
      const images = tf.tensor4d(await fashionTestImages(8), [8, 28, 28, 1]);
      const [fast, baseline] = [model, plain].map((m) => m.predict(images) as tf.Tensor);
      expect(tf.max(tf.abs(tf.sub(fast!, baseline!))).dataSync()[0]).toBeLessThan(1e-4);
      tf.dispose([images, fast!, baseline!]);
      plain.dispose();
    });
  });

  it('has a FLOP count from its own blockFlops', () => {
    const sizes = { model: 'toy', inputChannels: 1, numClasses: 10, imageSize: 28, patchSize: 7, embeddingDim: 16, blocks: 2 };
    // 16 patches of 7x7 = 49 features: embedding (forward, dW), two blocks x3, head x3.
    expect(trainingFlopsPerImage(sizes)).toBe(2 * (2 * 16 * 49 * 16) + 2 * 3 * (2 * 16 * 16 * 16) + 3 * (2 * 16 * 10));
  });

  it('meets its own cases (toy-cases.ts) as the built-in families meet theirs: its facts, its FLOPs at the seed configuration', () => {
    expectFacts(toyCases);
    expect(trainingFlopsPerImage({ model: 'toy', ...SEED_SIZES })).toBe(seedTrainingFlops(toyCases));
  });

  it('has no Keras peer, and mlpx bench --peer keras says so instead of running Python', async () => {
    await expect(measureKerasPeerThroughput('python-that-must-not-run', { model: 'toy' })).rejects.toThrow(
      /the Keras peer has no form of toy: its family names no Keras block/,
    );
  });

  it('builds like any family, and a name already taken is refused', () => {
    expect(() => registerModelFamily(toyFamily)).toThrow(/model family 'toy' is already registered/);
    const model = buildClassifier(
      { model: 'toy', inputHeight: 28, inputWidth: 28, inputChannels: 1, numClasses: 10, ...ARCHITECTURE },
      { mean: new Float32Array([0]), variance: new Float32Array([1]) },
    );
    expect(model.layers.filter((layer) => layer.getClassName() === 'ToyBlock').map((layer) => layer.name)).toEqual(['toy_block_1', 'toy_block_2']);
    model.dispose();
  });
});
