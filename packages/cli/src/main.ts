/**
 * The mlpx command line. Each subcommand lives in commands/; errors meant for users (MlpxError,
 * bad flags) print one line starting `mlpx: error:` and exit 1, anything else is a bug and
 * prints its stack.
 */
import { Command, CommanderError } from 'commander';
import { MlpxError } from '@mlpx/core';
import { MLPX_VERSION } from './version.js';

/**
 * The subcommands, each loaded only when it runs: `mlpx infer` must not load TensorFlow.js, and
 * `mlpx --help` loads none of them. A command's module defines its arguments, options and action;
 * its one-line description lives here, so the top-level help needs no module.
 */
const COMMANDS: readonly { name: string; description: string; load: () => Promise<Command> }[] = [
  {
    name: 'train',
    description: 'train an attention-free MLP image classifier (--model: its model families) with the seed recipe and write a run folder',
    load: async () => (await import('./commands/train.js')).trainCommand(),
  },
  {
    name: 'export',
    description: 'export a trained run to ONNX, then check it against TensorFlow.js with ONNX Runtime',
    load: async () => (await import('./commands/export.js')).exportCommand(),
  },
  {
    name: 'infer',
    description: 'classify images (PNG, JPEG, WebP; folders are read recursively) with an exported model',
    load: async () => (await import('./commands/infer.js')).inferCommand(),
  },
  {
    name: 'eval',
    description: "measure an exported model's top-1 and top-5 on a test split and compare with its training accuracy",
    load: async () => (await import('./commands/eval.js')).evalCommand(),
  },
  {
    name: 'serve',
    description: 'serve a model or a Triton model repository over the Open Inference Protocol (KServe v2, as Triton does), with the web demo page',
    load: async () => (await import('./commands/serve.js')).serveCommand(),
  },
  {
    name: 'setup',
    description: 'fetch or build optional runtime parts: native TensorFlow for training, the CUDA provider for inference',
    load: async () => (await import('./commands/setup.js')).setupCommand(),
  },
  {
    name: 'doctor',
    description: 'show which training backends and inference execution providers this machine can use',
    load: async () => (await import('./commands/doctor.js')).doctorCommand(),
  },
  {
    name: 'bench',
    description: 'measure training and inference throughput of each model family, side by side, on this machine',
    load: async () => (await import('./commands/bench.js')).benchCommand(),
  },
  {
    name: 'quickstart',
    description: 'train -> export -> infer -> eval on the shipped Fashion-MNIST sample, offline, in under a minute',
    load: async () => (await import('./commands/quickstart.js')).quickstartCommand(main),
  },
];

/** The command line, with the full definition of `requested` (a subcommand name) and stubs for the rest. */
export async function program(requested?: string): Promise<Command> {
  const cli = new Command('mlpx')
    .description('Train attention-free MLP image classifiers in Node.js, export them to ONNX, run them anywhere.')
    .version(MLPX_VERSION)
    .exitOverride();
  for (const { name, description, load } of COMMANDS) {
    cli.addCommand((name === requested ? await load() : new Command(name)).description(description));
  }
  return cli;
}

/**
 * Commander's own error (a bad flag, an unknown command) as mlpx prints its errors: one line with
 * mlpx's prefix, commander's suggestion ("Did you mean --model?") on it, and the help to read.
 */
function commanderErrorLine(message: string, command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at; at = at.parent) names.unshift(at.name());
  const text = message
    .trim()
    .replace(/^error: /, '')
    .replace(/\s*\n\(Did you mean (.+)\?\)$/, '; did you mean $1?')
    .replace(/ is invalid\. (.)/, (_, first: string) => ` is invalid: ${first.toLowerCase()}`)
    .replace(/\.$/, '')
    .replace(/\s*\n\s*/g, ' ');
  return `mlpx: error: ${text} (see \`${names.join(' ')} --help\`)\n`;
}

/** The subcommand argv asks for (`mlpx help train` asks for train), if any. */
function requestedCommand(argv: readonly string[]): string | undefined {
  const [first, second] = argv.slice(2).filter((argument) => !argument.startsWith('-'));
  return first === 'help' ? second : first;
}

/** Runs the CLI; returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const cli = await program(requestedCommand(argv));
    const overrideExits = (command: Command): void => {
      command.exitOverride().configureOutput({ outputError: (message, write) => write(commanderErrorLine(message, command)) });
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
