/** `mlpx export [output]`: a run folder to a verified .onnx file. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_OPSET, DEFAULT_RUN, DEFAULT_TOLERANCE, exportRun, MAX_OPSET, MIN_OPSET, type FftMode } from '@mlpx/export';
import { selectBackend } from '@mlpx/train';
import { positiveNumber } from '../option-parsers.js';
import { info, percent } from '../progress/terminal.js';
import { MLPX_VERSION } from '../version.js';

interface ExportFlags {
  run: string;
  opset: number;
  fft: FftMode;
  tolerance: number;
}

function opset(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < MIN_OPSET || n > MAX_OPSET) throw new InvalidArgumentError(`expected an opset from ${MIN_OPSET} to ${MAX_OPSET}.`);
  return n;
}

export function exportCommand(): Command {
  return new Command('export')
    .argument('[output]', 'the .onnx file to write', 'model.onnx')
    .option('-r, --run <dir>', 'the run folder to export', DEFAULT_RUN)
    .option('--opset <n>', `ONNX opset, ${MIN_OPSET} to ${MAX_OPSET}`, opset, DEFAULT_OPSET)
    .addOption(new Option('--fft <form>', "FNet's Fourier transform: matmul (cos/sin matrices, every runtime) or dft (the DFT operator, opset 17+)").choices(['matmul', 'dft']).default('matmul'))
    .option('--tolerance <t>', 'largest logit difference allowed, relative to max(1, largest |logit|)', positiveNumber, DEFAULT_TOLERANCE)
    .action(async (output: string, flags: ExportFlags) => {
      // wasm, not auto: the exporter reads weights synchronously, which WebGPU in Node cannot do.
      const backend = await selectBackend('wasm');
      info(`exporting ${flags.run} (opset ${flags.opset}, --fft ${flags.fft}); checking against TensorFlow.js on ${backend.name}`);
      const result = await exportRun({ run: flags.run, output, opset: flags.opset, fft: flags.fft, tolerance: flags.tolerance, mlpxVersion: MLPX_VERSION });
      const v = result.verification;
      process.stdout.write(
        `wrote ${result.output}: opset ${result.summary.opset}, ${result.summary.nodes} nodes, ${result.modelParameters.toLocaleString('en-US')} parameters, ${(result.bytes / 1024 / 1024).toFixed(2)} MB\n` +
          `verified against TensorFlow.js on ${v.images} images (and batch 1): largest logit difference ${v.maxLogitDifference.toExponential(2)} ` +
          `(logits up to ${v.logitScale.toFixed(2)}), top-1 agreement ${percent(v.top1Agreement, 1)}\n`,
      );
    });
}
