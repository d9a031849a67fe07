/**
 * Converters by tfjs class name. A class may have several converters for different opsets; the
 * one with the highest minOpset at or below the target opset is used (as tf2onnx does).
 * registerConverter is public (@mlpx/export's index): a model family added outside mlpx registers
 * its block layer's converter with it (docs/adding-a-model.md). Converters are keyed by class name,
 * not by family, because @mlpx/train's families cannot import @mlpx/export.
 */
import type { Converter } from './converter.js';

const converters = new Map<string, Converter[]>();

export function registerConverter(converter: Converter): void {
  const list = converters.get(converter.className) ?? [];
  list.push(converter);
  list.sort((a, b) => b.minOpset - a.minOpset);
  converters.set(converter.className, list);
}

/** The converter for a class at an opset, or undefined. */
export function converterFor(className: string, opset: number): Converter | undefined {
  return converters.get(className)?.find((c) => c.minOpset <= opset && (c.maxOpset === undefined || opset <= c.maxOpset));
}

/** Every registered converter, in the order of their class names. */
export function registeredConverters(): Converter[] {
  return [...converters.keys()].sort().flatMap((className) => converters.get(className)!);
}

/** Registered class names, for error messages and the layer table of docs/architecture.md. */
export function registeredClassNames(): string[] {
  return [...converters.keys()].sort();
}
