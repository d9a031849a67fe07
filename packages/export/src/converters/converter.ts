/**
 * What a converter is: the ONNX nodes for one tfjs layer class, registered under the class name
 * the layer registers with tfjs (its static className). A converter receives the ONNX names of
 * the layer's inputs and returns the name of its output.
 */
import type * as tf from '@tensorflow/tfjs';
import type { GraphBuilder } from '../onnx/graph-builder.js';

/**
 * An option of a converter's own (FNetBlock's `fft`: its Fourier transform as matrix products or
 * as the DFT operator), set by name in an export's `converterOptions` (converter-options.ts).
 */
export interface ConverterOption {
  readonly choices: readonly string[];
  readonly default: string;
  /** Why `value` cannot be written at `opset` (in the flag's words), or undefined. */
  readonly problem?: (value: string, opset: number) => string | undefined;
}

export interface ConverterContext {
  readonly graph: GraphBuilder;
  readonly opset: number;
  /** This converter's own options (Converter.options), each as chosen for the export or its default. */
  readonly options: Readonly<Record<string, string>>;
  readonly layer: tf.layers.Layer;
  /** ONNX value names of the layer's inputs. */
  readonly inputs: readonly string[];
  /** The shape of the layer's (first) input, batch axis included (null). */
  readonly inputShape: readonly (number | null)[];
  /** Node-name prefix: the layer's name. */
  readonly name: string;
  /** A weight of the layer by the end of its name ('kernel', 'token_mlp_1/bias'). */
  readonly weight: (suffix: string) => { values: Float32Array; shape: number[] };
  /** A float32 constant named after the layer. */
  readonly constant: (suffix: string, values: Float32Array, dims: readonly number[]) => string;
}

export interface Converter {
  /** The tfjs class name, e.g. 'MixerBlock' or 'Dense'. */
  readonly className: string;
  /** The lowest opset this converter writes valid graphs for. */
  readonly minOpset: number;
  /** The highest, when an operator it uses changed after it. */
  readonly maxOpset?: number;
  /** Its own options, by name, if it has any. */
  readonly options?: Readonly<Record<string, ConverterOption>>;
  convert(context: ConverterContext): string;
}
