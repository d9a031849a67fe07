/** The --ep option shared by infer and eval, and the line that says which provider ran. */
import { Option } from 'commander';
import { EXECUTION_PROVIDERS, parseExecutionProviders, type Classifier, type ExecutionProvider } from '@mlpx/infer';
import { info } from '../progress/terminal.js';

export function executionProviderOption(): Option {
  return new Option('--ep <providers>', `execution provider, or a fallback list tried in order (${EXECUTION_PROVIDERS.join(', ')}; e.g. cuda,cpu)`)
    .default(['cpu'], 'cpu')
    .argParser((value: string): ExecutionProvider[] => parseExecutionProviders(value));
}

export function reportExecutionProvider(classifier: Classifier): void {
  for (const skipped of classifier.skipped) info(`${skipped.name} unavailable: ${skipped.reason}`);
  info(`execution provider: ${classifier.executionProvider}${classifier.skipped.length ? ' (fallback)' : ''}`);
}
