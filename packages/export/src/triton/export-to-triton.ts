/**
 * `mlpx export --triton REPO` as a library call: a run folder exported and verified as exportRun
 * does, then placed in a Triton model repository that KServe can serve:
 *
 *   REPO/<name>/<version>/model.onnx   the verified export
 *   REPO/<name>/labels.txt             one label a line, in class-index order
 *   REPO/<name>/config.pbtxt           the Triton model configuration
 *   REPO/inferenceservice-<name>.yaml  a KServe InferenceService whose storageUri is REPO
 *
 * The manifest lies at the top of the repository, beside the model folders: Triton reads only the
 * folders there, and `kubectl apply -f REPO/` applies every model's manifest at once.
 *
 * A second export into the same repository adds a version (same name, next number) or a model
 * (another name). Nothing already there is replaced without `force`: not a version folder, and
 * not a config.pbtxt, labels.txt or manifest that differs from what this export writes (other
 * labels, another input shape, other settings). Every check runs before the first write, so a
 * refused export leaves the repository as it was. The version folder is written under a
 * temporary name and renamed into place (version-folder.ts), then labels.txt and config.pbtxt
 * (each atomically), so a new model's folder has its version before Triton could read its config.
 */
import { access, constants, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describeError, METADATA_KEYS, MlpxError, parseModelInfo, writeFileAtomic } from '@mlpx/core';
import { exportRun, type ExportRunOptions, type ExportRunResult } from '../export-run.js';
import { converterOptionsOf } from '../export-to-onnx.js';
import { inferenceServiceFile, inferenceServiceManifest, STORAGE_URI_PLACEHOLDER, storageUriProblem } from './inference-service.js';
import { labelsFile } from './labels-file.js';
import { CONFIG_FILE, LABELS_FILE, MODEL_FILE, tritonModelConfig } from './model-config.js';
import { defaultModelName, modelNameProblem } from './model-name.js';
import { modelVersions, nextVersion } from './model-versions.js';
import { firstDifference } from './text-difference.js';
import { checkTritonSettings, DEFAULT_TRITON_SETTINGS, type TritonSettings } from './triton-settings.js';
import { writeVersionFolder } from './version-folder.js';

export interface TritonExportOptions extends Omit<ExportRunOptions, 'output'> {
  /** The model repository folder (created when missing). */
  readonly repository: string;
  /** Also write the verified .onnx file here. */
  readonly output?: string;
  /** Default: the run's model family and dataset, e.g. mixer-fashion-mnist. */
  readonly modelName?: string;
  /** Default: the next free version of the model in the repository, 1 when none. */
  readonly modelVersion?: number;
  readonly settings?: TritonSettings;
  /** The InferenceService's storageUri: where REPO is uploaded. Default: the manifest's, or a placeholder. */
  readonly storageUri?: string;
  /** Replace an existing version folder, and a config.pbtxt, labels.txt or manifest that differs. */
  readonly force?: boolean;
}

export interface TritonFile {
  readonly path: string;
  /** wrote: new; replaced: it differed (with force); kept: already as this export would write it. */
  readonly status: 'wrote' | 'replaced' | 'kept';
}

export interface TritonExportResult {
  /** The export and its verification; `output` is the .onnx file in the version folder. */
  readonly run: ExportRunResult;
  /** The other .onnx file written, when `output` was given. */
  readonly output: string | undefined;
  readonly modelName: string;
  readonly version: number;
  readonly modelFolder: string;
  readonly model: TritonFile;
  readonly labels: TritonFile & { readonly count: number };
  readonly config: TritonFile;
  readonly manifest: TritonFile;
  /** The manifest's storageUri is the placeholder: no storageUri was given or found. */
  readonly storageUriPlaceholder: boolean;
}

const REFUSAL_HINT = 'use --force to replace it, or --model-name to export to another model';

async function readExisting(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new MlpxError(`cannot read ${path}: ${describeError(error)}`);
  }
}

/** What to do with a file the repository may already hold: throws when it differs, unless `replace` (--force) says to replace it. */
function decide(path: string, existing: string | undefined, intended: string, options: { replace: boolean }): TritonFile['status'] {
  if (existing === undefined) return 'wrote';
  const difference = firstDifference(existing, intended);
  if (difference === undefined) return 'kept';
  if (!options.replace) throw new MlpxError(`${path} differs from what this export writes (${difference}); ${REFUSAL_HINT}`);
  return 'replaced';
}

/** The storageUri of a manifest this module wrote, if it has a real one. */
function storageUriOf(manifest: string | undefined): string | undefined {
  const match = manifest === undefined ? null : /^ {6}storageUri: ("(?:[^"\\]|\\.)*")$/m.exec(manifest);
  if (!match) return undefined;
  const uri = JSON.parse(match[1]!) as string;
  return uri === STORAGE_URI_PLACEHOLDER ? undefined : uri;
}

function refuseExistingVersion(modelFolder: string, version: number, versions: readonly number[]): never {
  throw new MlpxError(
    `${join(modelFolder, String(version))} already exists (versions there: ${versions.join(', ')}); ` +
      `leave out --model-version to add version ${nextVersion(versions)}, or use --force to replace it`,
  );
}

async function checkRepositoryFolder(repository: string): Promise<void> {
  const info = await stat(repository).catch(() => undefined);
  if (info && !info.isDirectory())
    throw new MlpxError(`--triton ${repository} is a file, not a folder: name a model repository folder (it is created when missing)`);
}

async function checkOutputWritable(output: string): Promise<void> {
  try {
    await access(dirname(resolve(output)), constants.W_OK);
  } catch (error) {
    throw new MlpxError(`cannot write ${output}: ${describeError(error)}`);
  }
}

/** The checks of exportToTriton that need no export and no file (flags), so a CLI can run them first. */
export function checkTritonExportOptions(options: TritonExportOptions): void {
  checkTritonSettings(options.settings ?? DEFAULT_TRITON_SETTINGS);
  if (options.modelName !== undefined) {
    const problem = modelNameProblem(options.modelName);
    if (problem) throw new MlpxError(`--model-name ${JSON.stringify(options.modelName)} cannot name a Triton and KServe model: ${problem}`);
  }
  if (options.modelVersion !== undefined && !(Number.isSafeInteger(options.modelVersion) && options.modelVersion >= 1)) {
    throw new MlpxError(`--model-version must be a positive integer (got ${options.modelVersion})`);
  }
  if (options.storageUri !== undefined) {
    const problem = storageUriProblem(options.storageUri);
    if (problem) throw new MlpxError(`--storage-uri ${JSON.stringify(options.storageUri)}: ${problem}`);
  }
}

/** Runs exportRun into a temporary folder; returns its result and the verified bytes. */
async function exportVerified(options: TritonExportOptions): Promise<{ run: ExportRunResult; bytes: Uint8Array }> {
  const folder = await mkdtemp(join(tmpdir(), 'mlpx-triton-'));
  const staged = join(folder, MODEL_FILE);
  try {
    const exportOptions: ExportRunOptions = {
      run: options.run,
      opset: options.opset,
      converterOptions: converterOptionsOf(options),
      tolerance: options.tolerance,
      mlpxVersion: options.mlpxVersion,
      output: staged,
    };
    const run = await exportRun(exportOptions).catch((error: unknown) => {
      // exportRun names the file it did not write: here that is the repository's model.
      if (error instanceof MlpxError) throw new MlpxError(error.message.replaceAll(staged, `the model for ${options.repository}`), { cause: error });
      throw error;
    });
    return { run, bytes: new Uint8Array(await readFile(staged)) };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

function datasetName(run: ExportRunResult): string | undefined {
  const text = run.summary.metadata[METADATA_KEYS.dataset];
  if (text === undefined) return undefined;
  const dataset = JSON.parse(text) as { name?: unknown };
  return typeof dataset.name === 'string' ? dataset.name : undefined;
}

export async function exportToTriton(options: TritonExportOptions): Promise<TritonExportResult> {
  const settings = options.settings ?? DEFAULT_TRITON_SETTINGS;
  const force = options.force ?? false;
  const repository = options.repository;
  checkTritonExportOptions(options);
  await checkRepositoryFolder(repository);
  if (options.output !== undefined) await checkOutputWritable(options.output);
  // Refuse an existing version before the export's minute of work, when its name is known.
  if (options.modelName !== undefined && options.modelVersion !== undefined && !force) {
    const modelFolder = join(repository, options.modelName);
    const versions = await modelVersions(modelFolder);
    if (versions.includes(options.modelVersion)) refuseExistingVersion(modelFolder, options.modelVersion, versions);
  }

  const { run, bytes } = await exportVerified(options);
  const info = parseModelInfo(bytes, 'the exported model');
  const modelName = options.modelName ?? defaultModelName(info.family, datasetName(run));
  const modelFolder = join(repository, modelName);
  const versions = await modelVersions(modelFolder);
  const version = options.modelVersion ?? nextVersion(versions);
  if (versions.includes(version) && !force) refuseExistingVersion(modelFolder, version, versions);

  const configPath = join(modelFolder, CONFIG_FILE);
  const labelsPath = join(modelFolder, LABELS_FILE);
  const manifestPath = join(repository, inferenceServiceFile(modelName));
  const [existingConfig, existingLabels, existingManifest] = await Promise.all([configPath, labelsPath, manifestPath].map(readExisting));
  const storageUri = options.storageUri ?? storageUriOf(existingManifest);
  const texts = {
    config: tritonModelConfig({ name: modelName, inputShape: info.inputShape, classes: info.labels.length, settings }),
    labels: labelsFile(info.labels),
    manifest: inferenceServiceManifest({ name: modelName, storageUri, instanceKind: settings.instanceKind }),
  };
  const status = {
    labels: decide(labelsPath, existingLabels, texts.labels, { replace: force }),
    config: decide(configPath, existingConfig, texts.config, { replace: force }),
    // A manifest still holding the placeholder takes the storageUri given now.
    manifest:
      options.storageUri !== undefined &&
      existingManifest === inferenceServiceManifest({ name: modelName, storageUri: undefined, instanceKind: settings.instanceKind })
        ? 'replaced'
        : decide(manifestPath, existingManifest, texts.manifest, { replace: force }),
  };

  if (options.output !== undefined) await writeFileAtomic(options.output, bytes);
  await mkdir(modelFolder, { recursive: true }).catch((error: unknown) => {
    throw new MlpxError(`cannot create ${modelFolder}: ${describeError(error)}`);
  });
  const versionFolder = await writeVersionFolder(modelFolder, version, [{ name: MODEL_FILE, data: bytes }], { replace: force });
  if (status.labels !== 'kept') await writeFileAtomic(labelsPath, texts.labels);
  if (status.config !== 'kept') await writeFileAtomic(configPath, texts.config);
  if (status.manifest !== 'kept') await writeFileAtomic(manifestPath, texts.manifest);

  const modelPath = join(versionFolder, MODEL_FILE);
  return {
    run: { ...run, output: modelPath },
    output: options.output,
    modelName,
    version,
    modelFolder,
    model: { path: modelPath, status: versions.includes(version) ? 'replaced' : 'wrote' },
    labels: { path: labelsPath, status: status.labels, count: info.labels.length },
    config: { path: configPath, status: status.config },
    manifest: { path: manifestPath, status: status.manifest },
    storageUriPlaceholder: storageUri === undefined,
  };
}
