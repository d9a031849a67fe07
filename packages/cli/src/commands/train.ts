/** `mlpx train`: flags to TrainSettings, progress to the terminal, the run folder at the end. */
import { Command, Option } from 'commander';
import { MlpxError, reportedTopK, TOP_K } from '@mlpx/core';
import {
  BACKEND_CHOICES,
  GELU_APPROXIMATIONS,
  modelFamilies,
  modelFamily,
  modelFamilyNames,
  SEED_ARCHITECTURE,
  SEED_RECIPE,
  resumeRun,
  RunStopped,
  trainRun,
  type BackendChoice,
  type FamilyOption,
  type FamilyOptionValues,
  type TrainRunHooks,
  type GeluApproximation,
  type ModelName,
  type TrainSettings,
} from '@mlpx/train';
import { nonNegativeInteger, openFraction, positiveInteger, positiveNumber, rate, nonNegativeNumber } from '../option-parsers.js';
import { downloadProgress } from '../progress/download-progress.js';
import { epochProgress } from '../progress/epoch-progress.js';
import { formatDuration, info, percent } from '../progress/terminal.js';
import { stopOnSignals } from '../progress/stop-on-signals.js';
import { renamedFlagOption, valueOfRenamedFlag, type RenamedFlag } from './renamed-flag.js';

interface TrainFlags {
  model: ModelName;
  dataset: string;
  dataFile?: string;
  dataDir?: string;
  loadSize?: number;
  /** The old name of --load-size, still accepted. */
  inputSize?: number;
  limit?: number;
  epochs: number;
  batchSize: number;
  lr?: number;
  weightDecay: number;
  imageSize: number;
  patchSize: number;
  embeddingDim: number;
  blocks: number;
  dropout: number;
  gelu: GeluApproximation;
  augment: boolean;
  // And one flag per family option (familyOptionFlags), under the option's key.
  validationSplit: number;
  seed: number;
  backend: BackendChoice;
  threads?: number;
  out?: string;
  resume?: string;
}

const INPUT_SIZE: RenamedFlag = { command: 'train', old: '--input-size', current: '--load-size', why: 'images resized as loaded' };

/** The flag of a family's own option (FNet's positionTable: --position-table), and the families that have that option. */
interface FamilyOptionFlag {
  readonly key: string;
  readonly flag: string;
  /** The first family's declaration: families that share a key share its flag. */
  readonly option: FamilyOption;
  readonly families: string[];
}

/** One flag per key of the registered families' own options (ModelFamily.options). */
function familyOptionFlags(): FamilyOptionFlag[] {
  const flags = new Map<string, FamilyOptionFlag>();
  for (const family of modelFamilies()) {
    for (const [key, option] of Object.entries(family.options ?? {})) {
      const flag = flags.get(key) ?? { key, flag: `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, option, families: [] };
      flag.families.push(family.name);
      flags.set(key, flag);
    }
  }
  return [...flags.values()];
}

/** The commander option of a family option's flag. */
function familyOption({ flag, option, families }: FamilyOptionFlag): Option {
  return new Option(`${flag} <${option.valueName}>`, `${families.join(', ')} only: ${option.description}`).choices(option.choices).default(option.default);
}

/** Refuses a family option's flag given for a model whose family does not have that option. */
function checkFamilyOptionFlags(flags: TrainFlags, command: Command): void {
  for (const { key, flag, option, families } of familyOptionFlags()) {
    if (!families.includes(flags.model) && command.getOptionValueSource(key) === 'cli') {
      throw new MlpxError(`${flag} applies to --model ${families.join(' or ')} only (${flags.model} has no ${option.label})`);
    }
  }
}

/** The chosen model's own options from their flags (their defaults unless given), if its family has any. */
function familyOptionsOf(flags: TrainFlags): FamilyOptionValues | undefined {
  const given = flags as unknown as Readonly<Record<string, string>>;
  const keys = Object.keys(modelFamily(flags.model).options ?? {});
  return keys.length > 0 ? Object.fromEntries(keys.map((key) => [key, given[key]!])) : undefined;
}

/** ", frozen position table": the family's own options, as the progress line names them. */
function familyOptionsText(settings: TrainSettings): string {
  const options = modelFamily(settings.model).options ?? {};
  return Object.entries(settings.architecture.familyOptions ?? {})
    .map(([key, value]) => `, ${value} ${options[key]?.label ?? key}`)
    .join('');
}

/** "mixer (MLP-Mixer), fnet (FNet), ...": each family's name and the name people know it by. */
function familiesForPeople(): string {
  return modelFamilies()
    .map((family) => `${family.name} (${family.displayName})`)
    .join(', ');
}

export function trainCommand(): Command {
  const learningRates = modelFamilies()
    .map((family) => `${family.name} ${family.learningRate}`)
    .join(', ');
  const command = new Command('train')
    .addOption(new Option('-m, --model <name>', `model family: ${familiesForPeople()}`).choices(modelFamilyNames()).default('mixer'))
    .option(
      '-d, --dataset <spec>',
      "'cifar100', 'fashion-mnist', 'fashion-mnist-sample' (the first 10,000 training and 2,000 test images, shipped with mlpx) or 'folder:<dir>' (one sub-folder per class)",
      'cifar100',
    )
    .option('--data-file <path>', 'a local copy of the dataset (CIFAR-100 .tar.gz or folder; Fashion-MNIST folder): checked for format, not checksum')
    .option('--data-dir <dir>', 'download cache (default $MLPX_DATA_DIR or ~/.cache/mlpx)')
    .option(
      '--load-size <n>',
      "folder: datasets only: images are resized to n x n as they are loaded, which is the model's input (default 32)",
      positiveInteger,
    )
    .addOption(renamedFlagOption(INPUT_SIZE, '<n>', positiveInteger))
    .option(
      '--limit <n>',
      "train on the first n training images (folder: each class's share, at least one), test on the first min(n, test size)",
      positiveInteger,
    )
    .option('--epochs <n>', 'epochs (early stopping may end sooner)', positiveInteger, SEED_RECIPE.epochs)
    .option('--batch-size <n>', 'batch size', positiveInteger, SEED_RECIPE.batchSize)
    .option('--lr <rate>', `learning rate (default per model: ${learningRates})`, positiveNumber)
    .option('--weight-decay <rate>', 'AdamW decoupled weight decay', nonNegativeNumber, SEED_RECIPE.weightDecay)
    .option('--image-size <n>', 'images are resized to n x n inside the model', positiveInteger, SEED_ARCHITECTURE.imageSize)
    .option('--patch-size <n>', 'patch side; must divide --image-size', positiveInteger, SEED_ARCHITECTURE.patchSize)
    .option('--embedding-dim <n>', 'channels per patch', positiveInteger, SEED_ARCHITECTURE.embeddingDim)
    .option('--blocks <n>', 'number of blocks', positiveInteger, SEED_ARCHITECTURE.blocks)
    .option('--dropout <rate>', 'dropout rate', rate, SEED_ARCHITECTURE.dropout)
    .addOption(new Option('--gelu <form>', 'GELU form (the seed ran exact)').choices(GELU_APPROXIMATIONS).default(SEED_ARCHITECTURE.gelu))
    .option('--no-augment', 'train without the random flip and zoom augmentation (the seed augments)');
  for (const flag of familyOptionFlags()) command.addOption(familyOption(flag));
  return command
    .option(
      '--validation-split <fraction>',
      'the last fraction of the training images validates (Keras validation_split; folder: datasets: that fraction of each class)',
      openFraction,
      SEED_RECIPE.validationSplit,
    )
    .option('--seed <n>', 'random seed (same seed, same backend: same run)', nonNegativeInteger, SEED_RECIPE.seed)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(BACKEND_CHOICES).default('auto'))
    .option(
      '--threads <n>',
      'threads per training step on wasm and cpu (data-parallel; same result up to rounding); default: one per core, at most 4',
      positiveInteger,
    )
    .option('-o, --out <dir>', 'run folder (default runs/<model>-<dataset>-<timestamp>, with runs/latest pointing at it)')
    .option('--resume <dir>', 'continue an interrupted run from its checkpoint, with the settings it started with')
    .action(async (flags: TrainFlags, command: Command) => {
      if (flags.resume !== undefined) {
        // --threads may change on resume: it does not change what is computed.
        const given = command.options.filter(
          (o) => !['resume', 'threads'].includes(o.attributeName()) && command.getOptionValueSource(o.attributeName()) === 'cli',
        );
        if (given.length > 0)
          throw new MlpxError(`--resume continues with the run's own settings (--threads aside); drop ${given.map((o) => o.long).join(', ')}`);
      } else {
        checkFamilyOptionFlags(flags, command);
      }
      await runTrain(withLoadSize(flags));
    });
}

/** --load-size, or --input-size, its old name; refused for a dataset that is not a folder. */
function withLoadSize(flags: TrainFlags): TrainFlags {
  const loadSize = valueOfRenamedFlag(INPUT_SIZE, flags.inputSize, flags.loadSize !== undefined) ?? flags.loadSize;
  const given = loadSize === undefined ? flags : { ...flags, loadSize };
  if (given.loadSize !== undefined && !given.dataset.startsWith('folder:')) {
    throw new MlpxError(`--load-size applies to folder: datasets only (--dataset ${given.dataset} has images of its own size)`);
  }
  return given;
}

async function runTrain(flags: TrainFlags): Promise<void> {
  const family = modelFamily(flags.model);
  const familyOptions = familyOptionsOf(flags);
  const settings: TrainSettings = {
    dataset: flags.dataset,
    model: flags.model,
    architecture: {
      imageSize: flags.imageSize,
      patchSize: flags.patchSize,
      embeddingDim: flags.embeddingDim,
      blocks: flags.blocks,
      dropout: flags.dropout,
      gelu: flags.gelu,
      augment: flags.augment,
      ...(familyOptions === undefined ? {} : { familyOptions }),
    },
    epochs: flags.epochs,
    batchSize: flags.batchSize,
    learningRate: flags.lr ?? family.learningRate,
    weightDecay: flags.weightDecay,
    validationSplit: flags.validationSplit,
    seed: flags.seed,
    backend: flags.backend,
    ...(flags.threads === undefined ? {} : { threads: flags.threads }),
    ...(flags.limit === undefined ? {} : { limit: flags.limit }),
    ...(flags.dataFile === undefined ? {} : { dataFile: flags.dataFile }),
    ...(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir }),
    ...(flags.loadSize === undefined ? {} : { folderImageSize: flags.loadSize }),
  };
  const stop = stopOnSignals();
  let topK: number = TOP_K; // min(5, classes), once the dataset is loaded
  const hooks: TrainRunHooks = {
    ...epochProgress(() => topK),
    stopRequested: stop.requested,
    onDownloadProgress: downloadProgress(),
    onBackend(backend) {
      info(`backend: ${backend.name} (${backend.description})`);
      for (const skipped of backend.skipped) info(`  not ${skipped.name}: ${skipped.reason}`);
    },
    onDataset(dataset) {
      topK = reportedTopK(dataset.classNames.length);
      info(
        `dataset: ${dataset.name} from ${dataset.source}: ${dataset.train.count} training and ${dataset.test.count} test images, ` +
          `${dataset.width}x${dataset.height}x${dataset.channels}, ${dataset.classNames.length} classes`,
      );
      if (flags.resume !== undefined) return; // the run's own settings: resumeRun reports them
      info(
        `model: ${settings.model}, image ${settings.architecture.imageSize}, patch ${settings.architecture.patchSize}, ` +
          `embedding ${settings.architecture.embeddingDim}, ${settings.architecture.blocks} block${settings.architecture.blocks === 1 ? '' : 's'}` +
          `${familyOptionsText(settings)}; lr ${settings.learningRate}, ` +
          `batch ${settings.batchSize}, ${settings.epochs} epoch${settings.epochs === 1 ? '' : 's'}`,
      );
    },
  };
  let result;
  try {
    result =
      flags.resume !== undefined
        ? await resumeRun(flags.resume, hooks, flags.threads === undefined ? {} : { threads: flags.threads })
        : await trainRun(settings, hooks, flags.out);
  } catch (error) {
    if (error instanceof RunStopped) {
      info(error.message);
      process.exitCode = stop.exitCode();
      return;
    }
    throw error;
  } finally {
    stop.dispose();
  }
  const { folder, metrics } = result;
  const t = metrics.test;
  process.stdout.write(
    `test: ${percent(t.accuracy)} top-1, ${percent(t.top5)} top-${reportedTopK(metrics.dataset.numClasses)} on the first ${t.images} ${t.dataset} test images\n` +
      `training: ${metrics.imagesPerSec.toFixed(1)} images/s on ${metrics.backend.name}${(metrics.backend.threads ?? 1) > 1 ? ` (${metrics.backend.threads} threads)` : ''}, ${formatDuration(metrics.wallSeconds)} in all\n` +
      `run folder: ${folder}\n`,
  );
}
