/** `mlpx setup tensorflow`: native TensorFlow for `--backend tensorflow`, built from PyPI's wheels. */
import { Command } from 'commander';
import { formatDuration, info, isInteractive, progressStream } from '../progress/terminal.js';
import type { SetupProgress } from '../setup/tensorflow/setup-progress.js';
import { setupTensorflow } from '../setup/tensorflow/setup-tensorflow.js';
import { DEFAULT_TENSORFLOW_VERSION } from '../setup/tensorflow/tensorflow-versions.js';

interface SetupTensorflowFlags {
  gpu?: boolean;
  tensorflow?: string;
  python?: string;
  from?: string;
  force?: boolean;
}

/**
 * One line per step ("[2/6] Installing …... done (41 s)"). On a terminal, a long step's status
 * (what pip is doing) is shown at the end of its line and replaced as it changes; elsewhere (a
 * log, CI) the line is written once.
 */
function stepProgress(): SetupProgress {
  let line = '';
  let shown = '';
  const show = (text: string): void => {
    progressStream.write(`\r${text}\x1b[K`);
    shown = text;
  };
  return {
    step(index, total, title) {
      line = `[${index}/${total}] ${title}...`;
      progressStream.write(line);
      shown = line;
    },
    status(text) {
      if (isInteractive()) show(`${line} ${text}`);
    },
    done(seconds) {
      if (shown !== line) show(line);
      progressStream.write(` done (${formatDuration(seconds)})\n`);
    },
  };
}

export function setupTensorflowCommand(): Command {
  return new Command('tensorflow')
    .description(
      `build native TensorFlow for \`mlpx train --backend tensorflow\`: tfjs-node's addon against TensorFlow from PyPI (default ${DEFAULT_TENSORFLOW_VERSION}, CPU)`,
    )
    .option('--gpu', 'install tensorflow[and-cuda]: a CUDA build, with CUDA 12 and cuDNN 9 as PyPI wheels (no CUDA toolkit needed; an NVIDIA driver is)')
    .option('--tensorflow <version>', `the TensorFlow version to pip-install (default ${DEFAULT_TENSORFLOW_VERSION})`)
    .option('--python <path>', 'the Python that creates the private venv (default python3)')
    .option('--from <dir>', 'build against an existing TensorFlow (its package folder, site-packages or venv) instead of pip-installing one')
    .option('--force', 'rebuild even when this engine is already set up')
    .action(async (flags: SetupTensorflowFlags) => {
      const result = await setupTensorflow({
        ...(flags.gpu ? { gpu: true } : {}),
        ...(flags.tensorflow ? { tensorflowVersion: flags.tensorflow } : {}),
        ...(flags.python ? { python: flags.python } : {}),
        ...(flags.from ? { from: flags.from } : {}),
        ...(flags.force ? { force: true } : {}),
        progress: stepProgress(),
      });
      const { install } = result;
      const what = `TensorFlow ${install.tensorflowVersion} (${install.from ? `from ${install.from}` : install.distribution}${install.gpu ? ', CUDA build' : ''})`;
      if (result.reused) {
        process.stdout.write(`${what} is already set up in ${result.root} (built ${install.builtAt}); --force rebuilds it\n`);
      } else {
        info(`checked the ${result.symbolsChecked} TensorFlow C API symbols the addon calls; all defined`);
        process.stdout.write(`${what} is set up in ${result.root} (${formatDuration(result.seconds)}); train on it with: mlpx train --backend tensorflow\n`);
      }
    });
}
