/**
 * @mlpx/infer's createClassifier (onnxruntime-node) against the classifier contract
 * (test/helpers/classifier-contract.ts), the suite test/web/classifier-contract.test.ts runs on
 * @mlpx/web's loadClassifier in Chromium. Encoded images go in as PNG paths and PNG bytes; the
 * provider that cannot run is CUDA where this machine has no CUDA provider (WebGPU where it has one
 * and no Vulkan adapter); the deprecation warnings are read from process's 'warning' event.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { NoneLoadedError, type Classification, type ImageClassifier } from '@mlpx/core';
import { createClassifier, type Classifier, type ImageInput } from '@mlpx/infer/src/classifier.js';
import type { ExecutionProvider } from '@mlpx/infer/src/runtime/execution-providers.js';
import {
  classifierContract,
  contractImages,
  CONTRACT_MEMBERS,
  writeContractModel,
  type ClassifierHandle,
  type ContractImage,
  type ContractImages,
  type ContractSubject,
  type DeprecatedUse,
} from '../helpers/classifier-contract.js';
import { tempDir } from '../helpers/dataset-fixtures.js';

let work: Awaited<ReturnType<typeof tempDir>>;
let model: string;
let images: ContractImages;
let subject: ContractSubject;
const warnings: { code: string; message: string }[] = [];

function onWarning(warning: Error & { code?: string }): void {
  if (warning.name === 'DeprecationWarning' && warning.code?.startsWith('MLPX_')) warnings.push({ code: warning.code, message: warning.message });
}

function inputOf(image: ContractImage): ImageInput {
  if (image.form === 'wrong-size') return { pixels: new Uint8Array(10) };
  if (image.form === 'pixels') return { pixels: images.pixels[image.index]! };
  return image.index % 2 ? images.pngs[image.index]! : join(work.path, `${image.index}.png`);
}

function handleOf(classifier: Classifier): ClassifierHandle {
  return {
    fields: async () => ({
      executionProvider: classifier.executionProvider,
      skipped: classifier.skipped.map(({ name, reason }) => ({ name, reason })),
      skippedKeys: classifier.skipped.map((entry) => Object.keys(entry)),
      labels: classifier.labels,
      inputSize: classifier.inputSize,
      memberTypes: Object.fromEntries(CONTRACT_MEMBERS.map((name) => [name, name in classifier ? typeof classifier[name as keyof Classifier] : 'missing'])),
    }),
    classify: (arg, options) =>
      Array.isArray(arg) ? classifier.classify(arg.map(inputOf), options) : classifier.classify(inputOf(arg as ContractImage), options),
    run: (pixels, count) => classifier.run(pixels, count),
    release: () => classifier.release(),
  };
}

/** The first of CUDA and WebGPU that cannot run here, if either. */
async function unavailableProvider(): Promise<ExecutionProvider | undefined> {
  for (const provider of ['cuda', 'webgpu'] as const) {
    const opened = await createClassifier(model, { executionProviders: [provider] }).catch((error: unknown) => error);
    if (opened instanceof NoneLoadedError) return provider;
    if (opened instanceof Error) throw opened;
    await (opened as Classifier).release();
  }
  return undefined;
}

function deprecatedUses(unavailable: readonly ExecutionProvider[]): DeprecatedUse[] {
  const uses: DeprecatedUse[] = [
    {
      name: 'close()',
      code: 'MLPX_DEP001',
      instead: /classifier\.close\(\) is deprecated: use classifier\.release\(\)/,
      use: async () => {
        const classifier = await createClassifier(model);
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- the old name under test
        const closed = await classifier.close();
        const refused = await classifier.classify(inputOf({ index: 0, form: 'encoded' })).then(
          () => false,
          (error: Error) => /released/.test(error.message),
        );
        return { closed, refused };
      },
      check: (value) => expect(value).toEqual({ closed: undefined, refused: true }),
    },
    {
      name: 'inputShape',
      code: 'MLPX_DEP002',
      instead: /classifier\.inputShape is deprecated: use classifier\.inputSize/,
      use: async () => {
        const classifier = await createClassifier(model);
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- the old name under test
        const shape = classifier.inputShape;
        await classifier.release();
        return shape;
      },
      check: (value) => expect(value).toEqual([28, 28, 1]),
    },
  ];
  if (unavailable.length === 0) return uses;
  uses.push({
    name: 'skipped[i].executionProvider',
    code: 'MLPX_DEP003',
    instead: /skipped\[i\]\.executionProvider is deprecated: use skipped\[i\]\.name/,
    use: async () => {
      const classifier = await createClassifier(model, { executionProviders: [...unavailable, 'cpu'] });
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- the old name under test
      const names = classifier.skipped.map((s) => s.executionProvider);
      await classifier.release();
      return names;
    },
    check: (value) => expect(value).toEqual(unavailable),
  });
  return uses;
}

beforeAll(async () => {
  process.on('warning', onWarning);
  work = await tempDir();
  model = await writeContractModel(work.path);
  images = await contractImages(work.path);
  const missing = await unavailableProvider();
  const unavailable = missing ? [missing] : [];
  subject = {
    images,
    provider: 'cpu',
    unavailable,
    open: async ({ fallback }) => handleOf(await createClassifier(model, { executionProviders: fallback ? [...unavailable, 'cpu'] : ['cpu'] })),
    openUnavailable: async () => {
      const error = await createClassifier(model, { executionProviders: unavailable }).then(
        () => new Error('it loaded'),
        (thrown: Error) => thrown,
      );
      return { noneLoaded: error instanceof NoneLoadedError, message: error.message };
    },
    deprecated: deprecatedUses(unavailable),
    warnings: async () => {
      await new Promise((resolve) => setImmediate(resolve)); // process.emitWarning emits on the next tick
      return [...warnings];
    },
  };
}, 120_000);

afterAll(async () => {
  process.off('warning', onWarning);
  await work?.remove();
});

classifierContract('createClassifier (onnxruntime-node)', () => subject);

describe('createClassifier’s types', () => {
  it('implement ImageClassifier; classify types one image as one Classification, an array as an array', async () => {
    expectTypeOf<Classifier>().toExtend<ImageClassifier<ImageInput, ExecutionProvider>>();
    const classifier = await createClassifier(model);
    try {
      const one: Classification = await classifier.classify(join(work.path, '0.png'));
      const many: Classification[] = await classifier.classify([join(work.path, '0.png'), images.pngs[1]!]);
      expect(many[0]!.predictions.map((p) => p.label)).toEqual(one.predictions.map((p) => p.label));
    } finally {
      await classifier.release();
    }
  });
});
