/**
 * exportToOnnx: a trained tfjs LayersModel to ONNX bytes. Walks the model's layers in topological
 * order and asks each layer's converter (converters/, registered by tfjs class name) for its
 * nodes; every weight and every derived matrix becomes a constant computed here (constant
 * folding at export). The graph keeps @mlpx/core's contract: it takes the images [batch, H, W, C]
 * (raw 0-255, NHWC, dynamic batch) and gives the logits and their Softmax, the probabilities
 * [batch, classes].
 */
import * as tf from '@tensorflow/tfjs';
import { encodeModel, INPUT_NAME, LOGITS_NAME, MlpxError, PROBABILITIES_NAME } from '@mlpx/core';
import type { ConverterContext, FftMode } from './converters/converter.js';
import { converterFor, registeredClassNames } from './converters/index.js';
import { attr } from './onnx/attributes.js';
import { type Dim, GraphBuilder, NonFiniteWeightError } from './onnx/graph-builder.js';
import { DEFAULT_OPSET, irVersionFor, MAX_OPSET, MIN_OPSET } from './onnx/versions.js';
import { MIN_DFT_OPSET } from './emit/real-dft2d.js';

export const BATCH_DIM = 'batch';
export const PRODUCER_NAME = 'mlpx';

export interface ExportOptions {
  /** ONNX opset, 13 to 21 (default 17). */
  readonly opset?: number;
  /** FNet's Fourier transform: 'matmul' (default, every EP) or 'dft' (the DFT operator, opset 17+). */
  readonly fft?: FftMode;
  /** metadata_props written into the model. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** The model's doc_string. */
  readonly description?: string;
  /** producer_version (the mlpx version). */
  readonly producerVersion?: string;
}

/** The layers no converter handles, all of them, and where to add one. */
export class UnsupportedLayersError extends MlpxError {
  constructor(readonly layers: readonly { name: string; className: string }[], opset: number) {
    const list = layers.map((l) => `${l.className} (layer '${l.name}')`).join(', ');
    super(
      `cannot export: no ONNX converter at opset ${opset} for ${list}. ` +
        `Add one in packages/export/src/converters/ (see docs/adding-a-layer.md); converters exist for ${registeredClassNames().join(', ')}.`,
    );
  }
}

function shapeDims(shape: readonly (number | null)[]): Dim[] {
  return shape.map((d) => (d === null ? BATCH_DIM : d));
}

function checkOptions(opset: number, fft: FftMode): void {
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new MlpxError(`--opset ${opset} is not supported: choose ${MIN_OPSET} to ${MAX_OPSET} (default ${DEFAULT_OPSET})`);
  }
  if (fft !== 'matmul' && fft !== 'dft') throw new MlpxError(`--fft ${String(fft)} is not supported: choose matmul or dft`);
  if (fft === 'dft' && opset < MIN_DFT_OPSET) {
    throw new MlpxError(`--fft dft needs --opset ${MIN_DFT_OPSET} or later (the DFT operator); use --fft matmul for opset ${opset}`);
  }
}

/** The layer's weight named `<layer>/<suffix>` (or ending in `/<suffix>`): its values and shape. */
export function weightReader(layer: tf.layers.Layer): ConverterContext['weight'] {
  return (suffix) => {
    const found = layer.weights.find((w) => w.originalName === `${layer.name}/${suffix}` || w.originalName.endsWith(`/${suffix}`));
    if (!found) throw new Error(`layer ${layer.name} has no weight '${suffix}'`);
    return { values: found.read().dataSync() as Float32Array, shape: [...found.shape] as number[] };
  };
}

export function exportToOnnx(model: tf.LayersModel, options: ExportOptions = {}): Uint8Array {
  const opset = options.opset ?? DEFAULT_OPSET;
  const fft = options.fft ?? 'matmul';
  checkOptions(opset, fft);
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new MlpxError(`cannot export: mlpx exports models with one input and one output, this one has ${model.inputs.length} and ${model.outputs.length}`);
  }
  const layers = model.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
  const unsupported = layers.filter((layer) => !converterFor(layer.getClassName(), opset)).map((layer) => ({ name: layer.name, className: layer.getClassName() }));
  if (unsupported.length > 0) throw new UnsupportedLayersError(unsupported, opset);

  const graph = new GraphBuilder(opset);
  const valueOf = new Map<number, string>([[model.inputs[0]!.id, INPUT_NAME]]);
  for (const layer of layers) {
    for (const node of layer.inboundNodes) {
      const inputs = node.inputTensors.map((t) => valueOf.get(t.id));
      if (inputs.some((name) => name === undefined)) continue; // a call of this layer outside this model
      const context: ConverterContext = {
        graph,
        opset,
        fft,
        layer,
        inputs: inputs as string[],
        inputShape: node.inputTensors[0]!.shape,
        name: layer.name,
        weight: weightReader(layer),
        constant: (suffix, values, dims) => graph.floatConstant(`${layer.name}/${suffix}`, values, dims),
      };
      let output: string;
      try {
        output = converterFor(layer.getClassName(), opset)!.convert(context);
      } catch (error) {
        if (error instanceof NonFiniteWeightError) {
          throw new MlpxError(`cannot export: layer '${layer.name}' has a non-finite weight (${error.message}); the model diverged in training`);
        }
        throw error instanceof MlpxError ? error : new MlpxError(`cannot export layer '${layer.name}' (${layer.getClassName()}): ${(error as Error).message}`);
      }
      const outputTensor = node.outputTensors[0]!;
      valueOf.set(outputTensor.id, output);
      if (output !== INPUT_NAME) graph.setShape(output, shapeDims(outputTensor.shape));
    }
  }

  const outputTensor = model.outputs[0]!;
  const logits = valueOf.get(outputTensor.id);
  if (logits === undefined || logits === INPUT_NAME) throw new MlpxError('cannot export: the model output is not computed from its input');
  graph.renameValue(logits, LOGITS_NAME);
  const probabilities = graph.op('Softmax', [LOGITS_NAME], { name: PROBABILITIES_NAME, attributes: { axis: attr.int(-1) } });
  graph.renameValue(probabilities, PROBABILITIES_NAME);

  const outputDims = shapeDims(outputTensor.shape);
  const graphProto = graph.toGraphProto({
    name: model.name,
    doc: `${model.name}: raw 0-255 pixels in (NHWC), logits and softmax probabilities out.`,
    inputs: [{ name: INPUT_NAME, dims: shapeDims(model.inputs[0]!.shape) }],
    outputs: [
      { name: LOGITS_NAME, dims: outputDims },
      { name: PROBABILITIES_NAME, dims: outputDims },
    ],
  });
  return encodeModel({
    ir_version: irVersionFor(opset),
    opset_import: [{ domain: '', version: opset }],
    producer_name: PRODUCER_NAME,
    producer_version: options.producerVersion ?? '',
    model_version: 1,
    doc_string: options.description ?? '',
    graph: graphProto,
    metadata_props: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
}
