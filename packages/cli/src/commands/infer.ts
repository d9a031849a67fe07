/** `mlpx infer [paths...]`: classify image files and folders with an exported model. */
import { Command, Option } from 'commander';
import { createClassifier, type ExecutionProvider } from '@mlpx/infer';
import { inferFiles } from '@mlpx/infer/tooling';
import { formatPredictions, OUTPUT_FORMATS, type OutputFormat } from '../output/format-predictions.js';
import { positiveInteger } from '../option-parsers.js';
import { info } from '../progress/terminal.js';
import { executionProviderOption, reportExecutionProvider } from './execution-provider-option.js';

interface InferFlags {
  model: string;
  ep: ExecutionProvider[];
  top: number;
  batch: number;
  format: OutputFormat;
}

export function inferCommand(): Command {
  return new Command('infer')
    .argument('<paths...>', 'image files or folders')
    .option('--model <file>', 'the .onnx model written by mlpx export', 'model.onnx')
    .addOption(executionProviderOption())
    .option('--top <k>', "predictions per image (at most the model's classes)", positiveInteger, 5)
    .option('--batch <n>', 'images per batch', positiveInteger, 64)
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .action(async (paths: string[], flags: InferFlags) => {
      const classifier = await createClassifier(flags.model, { executionProviders: flags.ep });
      try {
        reportExecutionProvider(classifier);
        const result = await inferFiles(classifier, paths, { batchSize: flags.batch, topK: flags.top });
        for (const file of result.skipped) info(`skipped ${file}: not a PNG, JPEG or WebP image`);
        for (const failure of result.failed) info(`failed ${failure.file}: ${failure.error}`);
        process.stdout.write(formatPredictions(result, flags.format));
        const summary =
          `classified ${result.results.length} images, skipped ${result.skipped.length}, failed ${result.failed.length}; ` +
          `execution provider ${result.executionProvider}, ${result.imagesPerSec.toFixed(1)} images/s`;
        if (flags.format === 'table') process.stdout.write(`${summary}\n`);
        else info(summary);
        if (result.failed.length > 0) process.exitCode = 1;
      } finally {
        await classifier.release();
      }
    });
}
