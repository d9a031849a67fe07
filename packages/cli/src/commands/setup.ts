/** `mlpx setup`: optional runtime parts, fetched or built on demand. */
import { Command } from 'commander';
import { setupCudaCommand } from './setup-cuda.js';
import { setupTensorflowCommand } from './setup-tensorflow.js';

export function setupCommand(): Command {
  return new Command('setup').addCommand(setupTensorflowCommand()).addCommand(setupCudaCommand());
}
