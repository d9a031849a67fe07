/** `mlpx eval`: the deployed model's accuracy next to the accuracy it had when trained. */
import { Command } from 'commander';
import { describeError, MlpxError, reportedTopK } from '@mlpx/core';
import { createClassifier, DEFAULT_ACCURACY_TOLERANCE, evaluateDataset, type EvalData, type ExecutionProvider, type InputSize } from '@mlpx/infer';
import { nonNegativeNumber, positiveInteger } from '../option-parsers.js';
import { downloadProgress } from '../progress/download-progress.js';
import { info, percent } from '../progress/terminal.js';
import { executionProviderOption, reportExecutionProvider } from './execution-provider-option.js';
import { renamedFlagOption, valueOfRenamedFlag, type RenamedFlag } from './renamed-flag.js';

const TOLERANCE: RenamedFlag = { command: 'eval', old: '--tolerance', current: '--accuracy-tolerance', why: "mlpx export's --tolerance is a logit difference" };

interface EvalFlags {
  model: string;
  dataset?: string;
  dataFile?: string;
  limit?: number;
  all?: boolean;
  ep: ExecutionProvider[];
  batch: number;
  accuracyTolerance: number;
  /** The old name of --accuracy-tolerance. */
  tolerance?: number;
}

/**
 * The test split of a dataset, loaded with @mlpx/train's loaders (imported only here, only when
 * eval runs); a folder: dataset's images are resized to the model's input size, as training
 * resized them (its --load-size).
 */
async function loadTestSplit(dataset: string | undefined, dataFile: string | undefined, inputSize: InputSize): Promise<EvalData> {
  if (!dataset) throw new MlpxError('the model records no dataset: name one with --dataset');
  const { loadDataset } = await import('@mlpx/train');
  const { withLocalCopyHint } = await import('@mlpx/train/tooling');
  let loaded;
  try {
    loaded = await withLocalCopyHint(dataset, dataFile, () =>
      loadDataset(dataset, {
        ...(dataFile === undefined ? {} : { dataFile }),
        folderImageSize: inputSize.height,
        onDownloadProgress: downloadProgress(),
        onInfo: info,
      }),
    );
  } catch (error) {
    if (error instanceof MlpxError) throw error;
    throw new MlpxError(`cannot load ${dataset}: ${describeError(error)}`);
  }
  return { dataset: loaded.name, test: loaded.test, shape: { height: loaded.height, width: loaded.width, channels: loaded.channels } };
}

export function evalCommand(): Command {
  return new Command('eval')
    .option('--model <file>', 'the .onnx model written by mlpx export', 'model.onnx')
    .option('-d, --dataset <spec>', 'dataset (default: the one the model was trained on)')
    .option('--data-file <path>', 'a local copy of the dataset (as for mlpx train)')
    .option('--limit <n>', 'the first n test images (default: the images training measured)', positiveInteger)
    .option('--all', 'the whole test split')
    .addOption(executionProviderOption())
    .option('--batch <n>', 'images per batch', positiveInteger, 256)
    .option(
      '--accuracy-tolerance <points>',
      'largest top-1 difference from training allowed, in percentage points',
      nonNegativeNumber,
      DEFAULT_ACCURACY_TOLERANCE * 100,
    )
    .addOption(renamedFlagOption(TOLERANCE, '<points>', nonNegativeNumber))
    .action(async (flags: EvalFlags, command: Command) => {
      const tolerance = accuracyTolerance(flags, command);
      const classifier = await createClassifier(flags.model, { executionProviders: flags.ep });
      try {
        reportExecutionProvider(classifier);
        const data = await loadTestSplit(flags.dataset ?? classifier.trained?.test.dataset, flags.dataFile, classifier.inputSize);
        const report = await evaluateDataset(classifier, data, {
          ...(flags.limit === undefined ? {} : { limit: flags.limit }),
          all: flags.all === true,
          batchSize: flags.batch,
          // An int8 or fp16 model is checked as its export's accuracy gate did, unless --accuracy-tolerance is given.
          ...(tolerance.given || !classifier.precision ? { tolerance: tolerance.points / 100 } : {}),
        });
        const deployed = `deployed (ONNX Runtime, ${report.executionProvider}${report.precision === 'fp32' ? '' : `, ${report.precision}`}):`;
        const trainedLabel = 'trained (TensorFlow.js):';
        const width = Math.max(deployed.length, trainedLabel.length);
        const topK = `top-${reportedTopK(classifier.labels.length)}`;
        const lines = [
          `${deployed.padEnd(width)} top-1 ${percent(report.top1)}, ${topK} ${percent(report.top5)} on the first ${report.images} ${report.dataset} test images (${report.imagesPerSec.toFixed(0)} images/s)`,
        ];
        if (report.trained) {
          lines.push(`${trainedLabel.padEnd(width)} top-1 ${percent(report.trained.top1)}, ${topK} ${percent(report.trained.top5)} on the same images`);
          const gap = Math.abs(report.top1 - report.trained.top1) * 100;
          if (report.maxDrop !== undefined) {
            const drop = (report.trained.top1 - report.top1) * 100;
            const change = drop > 0 ? `${drop.toFixed(2)} points below` : drop < 0 ? `${(-drop).toFixed(2)} points above` : 'the same as';
            const allowed = `the ${(report.maxDrop * 100).toFixed(2)} points ${report.precision} may lose`;
            lines.push(
              report.agrees
                ? `agrees: top-1 is ${change} training, within ${allowed}`
                : `DISAGREES: top-1 is ${change} training, more than ${allowed}: the deployed model is not the exported one`,
            );
          } else {
            lines.push(
              report.agrees
                ? `agrees: top-1 differs by ${gap.toFixed(2)} points (tolerance ${tolerance.points})`
                : `DISAGREES: top-1 differs by ${gap.toFixed(2)} points (tolerance ${tolerance.points}): the deployed model is not the trained one`,
            );
          }
          if (!report.agrees) process.exitCode = 1;
        } else {
          lines.push('no training accuracy to compare with on these images (the model records none, or it was measured on other images)');
        }
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        await classifier.release();
      }
    });
}

/** --accuracy-tolerance, in points, or --tolerance, its old name, and whether the command line gave either. */
function accuracyTolerance(flags: EvalFlags, command: Command): { points: number; given: boolean } {
  const given = command.getOptionValueSource('accuracyTolerance') === 'cli';
  const old = valueOfRenamedFlag(TOLERANCE, flags.tolerance, given);
  return old === undefined ? { points: flags.accuracyTolerance, given } : { points: old, given: true };
}
