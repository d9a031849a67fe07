/** The other files of a Triton repository: labels.txt, the KServe manifest, the names and the versions. */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inferenceServiceFile, inferenceServiceManifest, STORAGE_URI_PLACEHOLDER, storageUriProblem } from '@mlpx/export/src/triton/inference-service.js';
import { labelsFile } from '@mlpx/export/src/triton/labels-file.js';
import { defaultModelName, MAX_MODEL_NAME_LENGTH, modelNameProblem } from '@mlpx/export/src/triton/model-name.js';
import { modelVersions, nextVersion } from '@mlpx/export/src/triton/model-versions.js';
import { firstDifference } from '@mlpx/export/src/triton/text-difference.js';
import { writeVersionFolder } from '@mlpx/export/src/triton/version-folder.js';
import { tempDir } from '../../helpers/dataset-fixtures.js';

let work: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  work = await tempDir();
});
afterAll(async () => {
  await work.remove();
});

describe('labels.txt', () => {
  it('holds one label a line, in class-index order, each line ended', () => {
    expect(labelsFile(['T-shirt/top', 'Trouser', 'Ankle boot'])).toBe('T-shirt/top\nTrouser\nAnkle boot\n');
    expect(labelsFile(['b', 'a']).split('\n').slice(0, -1)).toEqual(['b', 'a']);
  });
  it('refuses a label with a line break, which would shift every label after it', () => {
    expect(() => labelsFile(['a', 'two\nlines'])).toThrow(/label 1 \("two\\nlines"\) holds a line break/);
  });
});

describe('model names', () => {
  it("accepts KServe's InferenceService names", () => {
    for (const name of ['mixer-fashion-mnist', 'a', 'gmlp-cifar100', 'x1-2']) expect(modelNameProblem(name)).toBeUndefined();
  });
  it('refuses upper case, underscores, dots, slashes, a leading digit or hyphen, a trailing hyphen and long names', () => {
    for (const name of ['Mixer', 'mixer_fm', 'mixer.fm', 'a/b', '..', '1mixer', '-mixer', 'mixer-', '', 'm'.repeat(MAX_MODEL_NAME_LENGTH + 1)]) {
      expect(modelNameProblem(name), name).toBeDefined();
    }
  });
  it('derives the default from the model family and the dataset', () => {
    expect(defaultModelName('mixer', 'fashion-mnist')).toBe('mixer-fashion-mnist');
    expect(defaultModelName('resmlp12', 'cifar100')).toBe('resmlp12-cifar100');
    expect(defaultModelName('mixer', 'folder:/data/My_Flowers/')).toBe('mixer-my-flowers');
    expect(defaultModelName(undefined, undefined)).toBe('model');
  });
  it('derives a valid name from anything', () => {
    fc.assert(
      fc.property(fc.option(fc.string(), { nil: undefined }), fc.option(fc.string(), { nil: undefined }), (family, dataset) => {
        expect(modelNameProblem(defaultModelName(family, dataset))).toBeUndefined();
      }),
    );
  });
});

describe('the KServe InferenceService', () => {
  it('serves the repository folder with the Triton runtime over the v2 protocol, loading this model', () => {
    expect(inferenceServiceFile('mixer-fm')).toBe('inferenceservice-mixer-fm.yaml');
    const manifest = inferenceServiceManifest({ name: 'mixer-fm', storageUri: 's3://bucket/models', instanceKind: 'cpu' });
    expect(manifest.split('\n').filter((line) => !line.startsWith('#'))).toEqual([
      'apiVersion: "serving.kserve.io/v1beta1"',
      'kind: "InferenceService"',
      'metadata:',
      '  name: "mixer-fm"',
      'spec:',
      '  predictor:',
      '    model:',
      '      modelFormat:',
      '        name: "onnx"',
      '      protocolVersion: "v2"',
      '      runtime: "kserve-tritonserver"',
      '      storageUri: "s3://bucket/models"',
      '      args:',
      '        - "--model-control-mode=explicit"',
      '        - "--load-model=mixer-fm"',
      '',
    ]);
  });
  it('asks for a GPU for GPU instances', () => {
    expect(inferenceServiceManifest({ name: 'm', storageUri: 'gs://b/m', instanceKind: 'gpu' })).toMatch(
      /\n {6}resources:\n {8}limits:\n {10}nvidia\.com\/gpu: "1"\n$/,
    );
  });
  it('writes a placeholder, and says so, without a storageUri', () => {
    const manifest = inferenceServiceManifest({ name: 'm', storageUri: undefined, instanceKind: 'cpu' });
    expect(manifest).toContain(`storageUri: ${JSON.stringify(STORAGE_URI_PLACEHOLDER)}`);
    expect(manifest).toMatch(/^# Replace the placeholder .*--storage-uri/m);
  });
  it('quotes the storage URI as a YAML double-quoted scalar', () => {
    expect(inferenceServiceManifest({ name: 'm', storageUri: 's3://b/a"b\\c', instanceKind: 'cpu' })).toContain('storageUri: "s3://b/a\\"b\\\\c"');
  });
  it('takes URIs with a scheme and no spaces', () => {
    for (const uri of ['s3://bucket/models', 'gs://b/m', 'pvc://volume/models', 'https://host/models']) expect(storageUriProblem(uri)).toBeUndefined();
    for (const uri of ['bucket/models', 's3://', 's3://a b', '']) expect(storageUriProblem(uri), uri).toBeDefined();
  });
});

describe('model versions', () => {
  it('are the folders Triton takes as versions: positive integers without leading zeros', async () => {
    const model = join(work.path, 'versions');
    for (const folder of ['1', '2', '10', '01', '0', 'abc', '.mlpx-tmp-3-abcdef']) await mkdir(join(model, folder), { recursive: true });
    await writeFile(join(model, '4'), 'a file, not a version');
    expect(await modelVersions(model)).toEqual([1, 2, 10]);
    expect(nextVersion(await modelVersions(model))).toBe(11);
    expect(await modelVersions(join(work.path, 'no-such-model'))).toEqual([]);
    expect(nextVersion([])).toBe(1);
    await expect(modelVersions(join(model, '4'))).rejects.toThrow(/cannot read the model folder .*4: ENOTDIR/);
  });
});

describe('writeVersionFolder', () => {
  it('renames a complete folder into place and leaves no temporary folder', async () => {
    const model = join(work.path, 'write');
    await mkdir(model);
    await writeVersionFolder(model, 1, [{ name: 'model.onnx', data: 'one' }], { replace: false });
    expect(await readdir(model)).toEqual(['1']);
    expect(await readFile(join(model, '1', 'model.onnx'), 'utf8')).toBe('one');
  });
  it('replaces a version only when asked', async () => {
    const model = join(work.path, 'write');
    await expect(writeVersionFolder(model, 1, [{ name: 'model.onnx', data: 'two' }], { replace: false })).rejects.toThrow(
      /1 appeared while this export was writing it/,
    );
    await writeVersionFolder(model, 1, [{ name: 'model.onnx', data: 'two' }], { replace: true });
    expect(await readdir(model)).toEqual(['1']);
    expect(await readFile(join(model, '1', 'model.onnx'), 'utf8')).toBe('two');
  });
  it('removes its temporary folder when a file cannot be written, and writes no version', async () => {
    const model = join(work.path, 'write-fails');
    await mkdir(model);
    await expect(writeVersionFolder(model, 1, [{ name: join('no', 'such', 'folder', 'model.onnx'), data: 'x' }], { replace: false })).rejects.toThrow(
      /cannot write/,
    );
    expect(await readdir(model)).toEqual([]);
  });
});

describe('firstDifference', () => {
  it('names the first line that differs, both ways', () => {
    expect(firstDifference('a\nb\n', 'a\nb\n')).toBeUndefined();
    expect(firstDifference('a\ndims: [ 28 ]\n', 'a\ndims: [ 32 ]\n')).toBe('line 2 is `dims: [ 28 ]` there, `dims: [ 32 ]` in this export');
    expect(firstDifference('a\n', 'a\nb\n')).toBe('line 2 is nothing there, `b` in this export');
  });
});
