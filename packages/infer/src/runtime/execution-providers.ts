/** The execution providers mlpx offers, and how a user writes a fallback list ("cuda,cpu"). */

export const EXECUTION_PROVIDERS = ['cpu', 'cuda', 'webgpu'] as const;
import { MlpxError } from '@mlpx/core';
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];

export function parseExecutionProviders(text: string): ExecutionProvider[] {
  const names = text
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0) throw new MlpxError(`--ep: name at least one execution provider (${EXECUTION_PROVIDERS.join(', ')})`);
  for (const name of names) {
    if (!(EXECUTION_PROVIDERS as readonly string[]).includes(name)) {
      throw new MlpxError(`--ep: unknown execution provider '${name}'; choose from ${EXECUTION_PROVIDERS.join(', ')}, or a fallback list such as cuda,cpu`);
    }
  }
  return names as ExecutionProvider[];
}
