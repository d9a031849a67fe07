/**
 * `mlpx export [output]`: a run folder to a verified .onnx file; with `--triton REPO`, into a
 * Triton model repository with a KServe InferenceService beside it (the output file too when
 * named).
 */
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  DEFAULT_OPSET,
  DEFAULT_RUN,
  DEFAULT_TOLERANCE,
  DEFAULT_TRITON_SETTINGS,
  exportRun,
  checkTritonExportOptions,
  exportToTriton,
  MAX_OPSET,
  MIN_OPSET,
  type ExportRunOptions,
  type ExportRunResult,
  type FftMode,
  type InstanceKind,
  type TritonAccelerator,
  type TritonExportOptions,
  type TritonExportResult,
  type TritonFile,
} from '@mlpx/export';
import { MlpxError } from '@mlpx/core';
import { selectBackend } from '@mlpx/train';
import { nonNegativeInteger, positiveInteger, positiveNumber } from '../option-parsers.js';
import { info, percent } from '../progress/terminal.js';
import { MLPX_VERSION } from '../version.js';

const DEFAULT_OUTPUT = 'model.onnx';

interface ExportFlags {
  run: string;
  opset: number;
  fft: FftMode;
  tolerance: number;
  triton?: string;
  modelName?: string;
  modelVersion?: number;
  maxBatchSize: number;
  preferredBatchSizes?: number[];
  maxQueueDelayUs: number;
  instanceKind: InstanceKind;
  instanceCount: number;
  accelerator: TritonAccelerator;
  storageUri?: string;
  force?: boolean;
}

/** The flags that only mean something with --triton, by their option names. */
const TRITON_ONLY = ['modelName', 'modelVersion', 'maxBatchSize', 'preferredBatchSizes', 'maxQueueDelayUs', 'instanceKind', 'instanceCount', 'accelerator', 'storageUri', 'force'];

function opset(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < MIN_OPSET || n > MAX_OPSET) throw new InvalidArgumentError(`expected an opset from ${MIN_OPSET} to ${MAX_OPSET}.`);
  return n;
}

function batchSizes(value: string): number[] {
  const sizes = value.split(',').map((part) => part.trim());
  if (sizes.some((size) => !/^\d+$/.test(size) || Number(size) < 1)) throw new InvalidArgumentError('expected positive integers separated by commas, e.g. 8,16,32.');
  return sizes.map(Number);
}

function describe(result: ExportRunResult, what = ''): string {
  const v = result.verification;
  return (
    `wrote ${result.output}: ${what}opset ${result.summary.opset}, ${result.summary.nodes} nodes, ${result.modelParameters.toLocaleString('en-US')} parameters, ${(result.bytes / 1024 / 1024).toFixed(2)} MB\n` +
    `verified against TensorFlow.js on ${v.images} images (and batch 1): largest logit difference ${v.maxLogitDifference.toExponential(2)} ` +
    `(logits up to ${v.logitScale.toFixed(2)}), top-1 agreement ${percent(v.top1Agreement, 1)}\n`
  );
}

function fileLine(file: TritonFile, what: string): string {
  const verb = file.status === 'kept' ? 'kept' : file.status === 'replaced' ? 'replaced' : 'wrote';
  return `${verb} ${file.path}${file.status === 'kept' ? ' (unchanged)' : ''}: ${what}\n`;
}

function tritonReport(result: TritonExportResult, repository: string, flags: ExportFlags): string {
  const instances = `${flags.instanceCount} ${flags.instanceKind.toUpperCase()} instance${flags.instanceCount === 1 ? '' : 's'}`;
  const accelerator = flags.accelerator === 'none' ? '' : `, ${flags.accelerator}`;
  return (
    describe(result.run, `version ${result.version} of ${result.modelName}${result.model.status === 'replaced' ? ' (replaced)' : ''}, `) +
    (result.output === undefined ? '' : `wrote ${result.output}: the same model\n`) +
    fileLine(result.labels, `${result.labels.count} labels, one a line in class-index order`) +
    fileLine(result.config, `max_batch_size ${flags.maxBatchSize}, dynamic batching, ${instances}${accelerator}`) +
    fileLine(result.manifest, `KServe InferenceService ${result.modelName} (kserve-tritonserver, v2 protocol)`) +
    `serve it with Triton: tritonserver --model-repository=${resolve(repository)}\n` +
    `or with mlpx: mlpx serve ${repository}\n` +
    `deploy it on KServe, once ${repository} is uploaded to its storageUri: kubectl apply -f ${result.manifest.path}\n`
  );
}

function tritonOptions(repository: string, output: string | undefined, flags: ExportFlags, common: Omit<ExportRunOptions, 'output'>): TritonExportOptions {
  return {
    ...common,
    repository,
    output,
    modelName: flags.modelName,
    modelVersion: flags.modelVersion,
    settings: {
      maxBatchSize: flags.maxBatchSize,
      preferredBatchSizes: flags.preferredBatchSizes ?? DEFAULT_TRITON_SETTINGS.preferredBatchSizes,
      maxQueueDelayMicroseconds: flags.maxQueueDelayUs,
      instanceKind: flags.instanceKind,
      instanceCount: flags.instanceCount,
      accelerator: flags.accelerator,
    },
    storageUri: flags.storageUri,
    force: flags.force ?? false,
  };
}

export function exportCommand(): Command {
  return new Command('export')
    .argument('[output]', `the .onnx file to write (default ${DEFAULT_OUTPUT}; with --triton, only when named)`)
    .option('-r, --run <dir>', 'the run folder to export', DEFAULT_RUN)
    .option('--opset <n>', `ONNX opset, ${MIN_OPSET} to ${MAX_OPSET}`, opset, DEFAULT_OPSET)
    .addOption(new Option('--fft <form>', "FNet's Fourier transform: matmul (cos/sin matrices, every runtime) or dft (the DFT operator, opset 17+)").choices(['matmul', 'dft']).default('matmul'))
    .option('--tolerance <t>', 'largest logit difference allowed, relative to max(1, largest |logit|)', positiveNumber, DEFAULT_TOLERANCE)
    .option('--triton <repo>', 'write a Triton model repository here: <repo>/<name>/<version>/model.onnx, labels.txt, config.pbtxt, and a KServe manifest')
    .option('--model-name <name>', "the model's name in the repository and on KServe (default: model family and dataset, e.g. mixer-fashion-mnist)")
    .option('--model-version <n>', 'the version folder to write (default: the next free one, 1 in a new model)', positiveInteger)
    .option('--max-batch-size <n>', "Triton's max_batch_size: the largest batch it sends the model", positiveInteger, DEFAULT_TRITON_SETTINGS.maxBatchSize)
    .option('--preferred-batch-sizes <list>', 'batch sizes the dynamic batcher tries to form, e.g. 8,16,32 (default: none, batches as large as it can)', batchSizes)
    .option('--max-queue-delay-us <n>', 'microseconds a request may wait for others to join its batch', nonNegativeInteger, DEFAULT_TRITON_SETTINGS.maxQueueDelayMicroseconds)
    .addOption(new Option('--instance-kind <kind>', 'run the model instances on CPU or GPU').choices(['cpu', 'gpu']).default(DEFAULT_TRITON_SETTINGS.instanceKind))
    .option('--instance-count <n>', 'model instances (on each GPU, for gpu)', positiveInteger, DEFAULT_TRITON_SETTINGS.instanceCount)
    .addOption(new Option('--accelerator <name>', 'ONNX Runtime execution accelerator: tensorrt (GPU instances) or openvino (CPU instances)').choices(['none', 'tensorrt', 'openvino']).default(DEFAULT_TRITON_SETTINGS.accelerator))
    .option('--storage-uri <uri>', "the InferenceService's storageUri: where the repository folder is uploaded, e.g. s3://bucket/models")
    .option('--force', 'replace an existing version folder, and a config.pbtxt, labels.txt or manifest that differs')
    .action(async (output: string | undefined, flags: ExportFlags, command: Command) => {
      if (flags.triton === undefined) {
        const stray = TRITON_ONLY.find((name) => command.getOptionValueSource(name) === 'cli');
        if (stray) throw new MlpxError(`${command.options.find((o) => o.attributeName() === stray)!.long} needs --triton REPO (it configures the Triton model repository)`);
      }
      const common = { run: flags.run, opset: flags.opset, fft: flags.fft, tolerance: flags.tolerance, mlpxVersion: MLPX_VERSION };
      const triton = flags.triton === undefined ? undefined : tritonOptions(flags.triton, output, flags, common);
      if (triton) checkTritonExportOptions(triton);
      // wasm, not auto: the exporter reads weights synchronously, which WebGPU in Node cannot do.
      const backend = await selectBackend('wasm');
      info(`exporting ${flags.run} (opset ${flags.opset}, --fft ${flags.fft}); checking against TensorFlow.js on ${backend.name}`);
      if (!triton) {
        process.stdout.write(describe(await exportRun({ ...common, output: output ?? DEFAULT_OUTPUT })));
        return;
      }
      const result = await exportToTriton(triton);
      process.stdout.write(tritonReport(result, triton.repository, flags));
      if (result.storageUriPlaceholder) {
        info(`note: ${result.manifest.path} has a placeholder storageUri: set it to the URI you upload ${triton.repository} to (e.g. s3://bucket/models), or export again with --storage-uri`);
      }
    });
}
