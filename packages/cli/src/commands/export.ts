/**
 * `mlpx export [output]`: a run folder to a verified .onnx file; with `--triton REPO`, into a
 * Triton model repository with a KServe InferenceService beside it (the output file too when
 * named).
 */
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  CALIBRATION_METHODS,
  DEFAULT_CALIBRATION_IMAGES,
  DEFAULT_CALIBRATION_METHOD,
  DEFAULT_MAX_ACCURACY_DROP,
  DEFAULT_OPSET,
  DEFAULT_RUN,
  PRECISIONS,
  DEFAULT_TOLERANCE,
  DEFAULT_TRITON_SETTINGS,
  exportRun,
  checkTritonExportOptions,
  exportToTriton,
  MAX_OPSET,
  MIN_OPSET,
  type ExportRunOptions,
  type ExportRunResult,
  type CalibrationMethod,
  type FftMode,
  type InstanceKind,
  type Precision,
  type TritonAccelerator,
  type TritonExportOptions,
  type TritonExportResult,
  type TritonFile,
} from '@mlpx/export';
import { MlpxError } from '@mlpx/core';
import { selectBackend } from '@mlpx/train';
import { nonNegativeInteger, nonNegativeNumber, positiveInteger, positiveNumber } from '../option-parsers.js';
import { info, percent } from '../progress/terminal.js';
import { MLPX_VERSION } from '../version.js';

const DEFAULT_OUTPUT = 'model.onnx';

interface ExportFlags {
  run: string;
  opset: number;
  fft: FftMode;
  tolerance: number;
  precision: Precision;
  calibration: number;
  calibrationMethod: CalibrationMethod;
  maxAccuracyDrop: number;
  dataFile?: string;
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
const TRITON_ONLY = [
  'modelName',
  'modelVersion',
  'maxBatchSize',
  'preferredBatchSizes',
  'maxQueueDelayUs',
  'instanceKind',
  'instanceCount',
  'accelerator',
  'storageUri',
  'force',
];

function opset(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < MIN_OPSET || n > MAX_OPSET) throw new InvalidArgumentError(`expected an opset from ${MIN_OPSET} to ${MAX_OPSET}.`);
  return n;
}

function batchSizes(value: string): number[] {
  const sizes = value.split(',').map((part) => part.trim());
  if (sizes.some((size) => !/^\d+$/.test(size) || Number(size) < 1))
    throw new InvalidArgumentError('expected positive integers separated by commas, e.g. 8,16,32.');
  return sizes.map(Number);
}

function describe(result: ExportRunResult, what = ''): string {
  const v = result.verification;
  const a = result.accuracy;
  const precision = result.precision === 'fp32' ? '' : `${result.precision}, `;
  const written = `wrote ${result.output}: ${what}${precision}opset ${result.summary.opset}, ${result.summary.nodes} nodes, ${result.modelParameters.toLocaleString('en-US')} parameters, ${(result.bytes / 1024 / 1024).toFixed(2)} MB\n`;
  if (v) {
    return (
      written +
      `verified against TensorFlow.js on ${v.images} images (and batch 1): largest logit difference ${v.maxLogitDifference.toExponential(2)} ` +
      `(logits up to ${v.logitScale.toFixed(2)}), top-1 agreement ${percent(v.top1Agreement, 1)}\n`
    );
  }
  const c = result.calibration;
  const calibrated = c
    ? `calibrated on ${c.images} training images (${c.method === 'percentile' ? `central ${c.percentile}% of each activation` : "each activation's min and max"}); `
    : '';
  const drop = a ? (a.trainedTop1 - a.top1) * 100 : 0;
  return (
    written +
    (a
      ? `${calibrated}accuracy gate passed: top-1 ${percent(a.top1)} on the ${a.images} ${a.dataset} test images training measured, trained ${percent(a.trainedTop1)} ` +
        `(${Math.abs(drop) < 0.005 ? 'the same' : drop > 0 ? `${drop.toFixed(2)} points lower` : `${(-drop).toFixed(2)} points higher`}; --max-accuracy-drop ${(a.maxDrop * 100).toFixed(2)})\n`
      : '')
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

/** The flags of the .onnx file itself: the run, the opset, the Fourier form, the tolerance, and the precision with its calibration and accuracy gate. */
function withModelFlags(command: Command): Command {
  return command
    .option('-r, --run <dir>', 'the run folder to export', DEFAULT_RUN)
    .option('--opset <n>', `ONNX opset, ${MIN_OPSET} to ${MAX_OPSET}`, opset, DEFAULT_OPSET)
    .addOption(
      new Option('--fft <form>', "FNet's Fourier transform: matmul (factored matrix products, every runtime) or dft (the DFT operator, opset 17+)")
        .choices(['matmul', 'dft'])
        .default('matmul'),
    )
    .option('--tolerance <t>', 'largest logit difference allowed, relative to max(1, largest |logit|)', positiveNumber, DEFAULT_TOLERANCE)
    .addOption(
      new Option(
        '--precision <p>',
        'fp32, int8 (dense layers quantized, activations calibrated on training images) or fp16; int8 and fp16 pass an accuracy gate instead of --tolerance',
      )
        .choices([...PRECISIONS])
        .default('fp32'),
    )
    .option('--calibration <n>', 'int8: training images to calibrate the activations on', positiveInteger, DEFAULT_CALIBRATION_IMAGES)
    .addOption(
      new Option('--calibration-method <m>', "int8: each activation's range from its min and max, or its central 99.99%")
        .choices([...CALIBRATION_METHODS])
        .default(DEFAULT_CALIBRATION_METHOD),
    )
    .option(
      '--max-accuracy-drop <points>',
      'int8, fp16: write the model only if its test top-1 is at most this many percentage points below the trained top-1',
      nonNegativeNumber,
      DEFAULT_MAX_ACCURACY_DROP * 100,
    )
    .option('--data-file <path>', "int8, fp16: a local copy of the run's dataset (as for mlpx train), when it is not where training found it");
}

/** --triton and the flags of the Triton model repository it writes (TRITON_ONLY). */
function withTritonFlags(command: Command): Command {
  return command
    .option('--triton <repo>', 'write a Triton model repository here: <repo>/<name>/<version>/model.onnx, labels.txt, config.pbtxt, and a KServe manifest')
    .option('--model-name <name>', "the model's name in the repository and on KServe (default: model family and dataset, e.g. mixer-fashion-mnist)")
    .option('--model-version <n>', 'the version folder to write (default: the next free one, 1 in a new model)', positiveInteger)
    .option('--max-batch-size <n>', "Triton's max_batch_size: the largest batch it sends the model", positiveInteger, DEFAULT_TRITON_SETTINGS.maxBatchSize)
    .option(
      '--preferred-batch-sizes <list>',
      'batch sizes the dynamic batcher tries to form, e.g. 8,16,32 (default: none, batches as large as it can)',
      batchSizes,
    )
    .option(
      '--max-queue-delay-us <n>',
      'microseconds a request may wait for others to join its batch',
      nonNegativeInteger,
      DEFAULT_TRITON_SETTINGS.maxQueueDelayMicroseconds,
    )
    .addOption(
      new Option('--instance-kind <kind>', 'run the model instances on CPU or GPU').choices(['cpu', 'gpu']).default(DEFAULT_TRITON_SETTINGS.instanceKind),
    )
    .option('--instance-count <n>', 'model instances (on each GPU, for gpu)', positiveInteger, DEFAULT_TRITON_SETTINGS.instanceCount)
    .addOption(
      new Option('--accelerator <name>', 'ONNX Runtime execution accelerator: tensorrt (GPU instances) or openvino (CPU instances)')
        .choices(['none', 'tensorrt', 'openvino'])
        .default(DEFAULT_TRITON_SETTINGS.accelerator),
    )
    .option('--storage-uri <uri>', "the InferenceService's storageUri: where the repository folder is uploaded, e.g. s3://bucket/models")
    .option('--force', 'replace an existing version folder, and a config.pbtxt, labels.txt or manifest that differs');
}

/** Refuses a Triton-only flag given on the command line without --triton. */
function refuseStrayTritonFlags(flags: ExportFlags, command: Command): void {
  if (flags.triton !== undefined) return;
  const stray = TRITON_ONLY.find((name) => command.getOptionValueSource(name) === 'cli');
  if (stray)
    throw new MlpxError(`${command.options.find((o) => o.attributeName() === stray)!.long} needs --triton REPO (it configures the Triton model repository)`);
}

/** What the .onnx export and the Triton one share, from the flags. */
function commonOptions(flags: ExportFlags): Omit<ExportRunOptions, 'output'> {
  const rangeScale = process.env['MLPX_TEST_CALIBRATION_RANGE_SCALE']; // tests of the accuracy gate only
  return {
    run: flags.run,
    opset: flags.opset,
    converterOptions: { fft: flags.fft },
    tolerance: flags.tolerance,
    mlpxVersion: MLPX_VERSION,
    precision: flags.precision,
    calibrationImages: flags.calibration,
    calibrationMethod: flags.calibrationMethod,
    maxAccuracyDrop: flags.maxAccuracyDrop / 100,
    ...(flags.dataFile === undefined ? {} : { dataFile: flags.dataFile }),
    ...(rangeScale === undefined ? {} : { calibrationRangeScale: Number(rangeScale) }),
    onInfo: info,
  };
}

/** Writes the Triton model repository and reports its files (and a placeholder storageUri). */
async function exportTriton(triton: TritonExportOptions, flags: ExportFlags): Promise<void> {
  const result = await exportToTriton(triton);
  process.stdout.write(tritonReport(result, triton.repository, flags));
  if (result.storageUriPlaceholder) {
    info(
      `note: ${result.manifest.path} has a placeholder storageUri: set it to the URI you upload ${triton.repository} to (e.g. s3://bucket/models), or export again with --storage-uri`,
    );
  }
}

async function runExport(output: string | undefined, flags: ExportFlags, command: Command): Promise<void> {
  refuseStrayTritonFlags(flags, command);
  const common = commonOptions(flags);
  if (flags.triton !== undefined && flags.precision !== 'fp32')
    throw new MlpxError(
      `--precision ${flags.precision} does not combine with --triton yet: export the .onnx with --precision ${flags.precision}, or the repository in fp32`,
    );
  const triton = flags.triton === undefined ? undefined : tritonOptions(flags.triton, output, flags, common);
  if (triton) checkTritonExportOptions(triton);
  // wasm, not auto: the exporter reads weights synchronously, which WebGPU in Node cannot do.
  const backend = await selectBackend('wasm');
  info(
    flags.precision === 'fp32'
      ? `exporting ${flags.run} (opset ${flags.opset}, --fft ${flags.fft}); checking against TensorFlow.js on ${backend.name}`
      : `exporting ${flags.run} as ${flags.precision} (opset ${flags.opset}, --fft ${flags.fft}); checking its accuracy on the run's test images with ONNX Runtime`,
  );
  if (triton) await exportTriton(triton, flags);
  else process.stdout.write(describe(await exportRun({ ...common, output: output ?? DEFAULT_OUTPUT })));
}

export function exportCommand(): Command {
  const command = new Command('export').argument('[output]', `the .onnx file to write (default ${DEFAULT_OUTPUT}; with --triton, only when named)`);
  return withTritonFlags(withModelFlags(command)).action(runExport);
}
