/**
 * The converters' own options (FNetBlock's `fft`): each converter that has one declares it
 * (Converter.options), and an export's `converterOptions` give the values by name. Here they are
 * checked (a name no registered converter declares, a value not among its choices, one the
 * opset cannot write), and each converter gets its own, the defaults filled in.
 */
import { MlpxError } from '@mlpx/core';
import type { Converter, ConverterOption } from './converter.js';
import { registeredConverters } from './registry.js';

/** Every declared option by name, with the first declaration of it (converters that share a name share its choices). */
function declaredOptions(): Map<string, ConverterOption> {
  const declared = new Map<string, ConverterOption>();
  for (const converter of registeredConverters()) {
    for (const [name, option] of Object.entries(converter.options ?? {})) if (!declared.has(name)) declared.set(name, option);
  }
  return declared;
}

/** Throws, in the flag's words (`--fft dft needs --opset 17 ...`), for a value the converters cannot take at `opset`. */
export function checkConverterOptions(values: Readonly<Record<string, string>>, opset: number): void {
  const declared = declaredOptions();
  for (const [name, value] of Object.entries(values)) {
    const option = declared.get(name);
    if (!option) throw new MlpxError(`no converter has an option ${name} (the converters' options: ${[...declared.keys()].join(', ') || 'none'})`);
    if (!option.choices.includes(value)) throw new MlpxError(`--${name} ${String(value)} is not supported: choose ${option.choices.join(' or ')}`);
    const problem = option.problem?.(value, opset);
    if (problem) throw new MlpxError(problem);
  }
}

/** The converter's own options: each given value, else its default. */
export function optionsOf(converter: Converter, values: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  return Object.fromEntries(Object.entries(converter.options ?? {}).map(([name, option]) => [name, values[name] ?? option.default]));
}
