/**
 * The mlpx command line. Each subcommand lives in commands/; errors meant for users (MlpxError,
 * bad flags) print one line and exit 1, anything else is a bug and prints its stack.
 */
import { Command, CommanderError } from 'commander';
import { MlpxError } from '@mlpx/train';
import { benchCommand } from './commands/bench.js';
import { doctorCommand } from './commands/doctor.js';
import { evalCommand } from './commands/eval.js';
import { exportCommand } from './commands/export.js';
import { inferCommand } from './commands/infer.js';
import { quickstartCommand } from './commands/quickstart.js';
import { serveCommand } from './commands/serve.js';
import { setupCommand } from './commands/setup.js';
import { trainCommand } from './commands/train.js';
import { MLPX_VERSION } from './version.js';

export function program(): Command {
  return new Command('mlpx')
    .description('Train MLP-Mixer, FNet and gMLP image classifiers in Node.js, export them to ONNX, run them anywhere.')
    .version(MLPX_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addCommand(trainCommand())
    .addCommand(exportCommand())
    .addCommand(inferCommand())
    .addCommand(evalCommand())
    .addCommand(serveCommand())
    .addCommand(setupCommand())
    .addCommand(doctorCommand())
    .addCommand(benchCommand())
    .addCommand(quickstartCommand(main));
}

/** Runs the CLI; returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const cli = program();
  try {
    const overrideExits = (command: Command): void => {
      command.exitOverride();
      command.commands.forEach(overrideExits);
    };
    overrideExits(cli);
    process.exitCode = undefined;
    await cli.parseAsync([...argv]);
    // Commands report partial failure (images that failed, accuracies that disagree) this way.
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof MlpxError) {
      process.stderr.write(`mlpx: error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
