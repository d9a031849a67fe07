/**
 * exportToOnnx: a trained tfjs LayersModel to ONNX bytes. Walks the model's layers in topological
 * order and asks each layer's converter (converters/, registered by tfjs class name) for its
 * nodes; every weight and every derived matrix becomes a constant computed here (constant
 * folding at export). The graph keeps @mlpx/core's contract: it takes the images [batch, H, W, C]
 * (raw 0-255, NHWC, dynamic batch) and gives the logits and their Softmax, the probabilities
 * [batch, classes].
 */
import type * as tf from '@tensorflow/tfjs';
import { encodeModel, INPUT_NAME, LOGITS_NAME, MlpxError, PROBABILITIES_NAME } from '@mlpx/core';
import type { ConverterContext } from './converters/converter.js';
import { converterFor, registeredClassNames } from './converters/index.js';
import { attr } from './onnx/attributes.js';
import { type Dim, type ElementType, Float16RangeError, GraphBuilder, NonFiniteWeightError } from './onnx/graph-builder.js';
import { FP32, type Numerics } from './onnx/numerics.js';
import { DEFAULT_OPSET, irVersionFor, MAX_OPSET, MIN_OPSET } from './onnx/versions.js';
import { type FftMode, MIN_DFT_OPSET } from './emit/real-dft2d.js';

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
  /**
   * The precision of the graph's values (precision/numerics.ts), float32 by default. int8 takes the
   * calibrated activation ranges (calibrateActivations); exportRun does both and the accuracy gate.
   */
  readonly numerics?: Numerics;
}

/** Layers an fp16 graph keeps in float32: the input's normalization (raw 0-255 pixels over per-channel statistics). */
const FLOAT32_LAYERS_IN_FP16 = new Set(['Normalization']);

/** The layers no converter handles, all of them, and where to add one. */
export class UnsupportedLayersError extends MlpxError {
  constructor(
    readonly layers: readonly { name: string; className: string }[],
    opset: number,
  ) {
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

/** The graph of an export and what a calibration build needs of it: each dense layer int8 would quantize, and the value it reads. */
interface BuiltGraph {
  readonly bytes: Uint8Array;
  readonly denseInputs: ReadonlyMap<string, string>;
}

function buildOnnx(model: tf.LayersModel, options: ExportOptions, denseInputsAsOutputs: boolean): BuiltGraph {
  const opset = options.opset ?? DEFAULT_OPSET;
  const fft = options.fft ?? 'matmul';
  checkOptions(opset, fft);
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new MlpxError(`cannot export: mlpx exports models with one input and one output, this one has ${model.inputs.length} and ${model.outputs.length}`);
  }
  const layers = model.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
  const unsupported = layers
    .filter((layer) => !converterFor(layer.getClassName(), opset))
    .map((layer) => ({ name: layer.name, className: layer.getClassName() }));
  if (unsupported.length > 0) throw new UnsupportedLayersError(unsupported, opset);

  const denseInputs = new Map<string, string>();
  const given = options.numerics ?? FP32;
  const numerics: Numerics = denseInputsAsOutputs ? { ...given, onDenseInput: (name, value) => denseInputs.set(name, value) } : given;
  const half = numerics.precision === 'fp16';
  const graph = new GraphBuilder(opset, numerics);
  const valueOf = new Map<number, string>([[model.inputs[0]!.id, INPUT_NAME]]);
  const typeOf = new Map<string, ElementType>([[INPUT_NAME, 'float32']]);
  const casts = new Map<string, string>();
  const asType = (value: string, type: ElementType): string => {
    if (typeOf.get(value) === type) return value;
    const key = `${value}\u0000${type}`;
    let cast = casts.get(key);
    if (!cast) {
      cast = graph.cast(value, type, `${value.replace(/[:/].*$/, '')}/to_${type}`);
      casts.set(key, cast);
      typeOf.set(cast, type);
    }
    return cast;
  };
  for (const layer of layers) {
    const layerType: ElementType = half && !FLOAT32_LAYERS_IN_FP16.has(layer.getClassName()) ? 'float16' : 'float32';
    for (const node of layer.inboundNodes) {
      const found = node.inputTensors.map((t) => valueOf.get(t.id));
      if (found.some((name) => name === undefined)) continue; // a call of this layer outside this model
      const inputs = (found as string[]).map((value) => asType(value, layerType));
      const context: ConverterContext = {
        graph,
        opset,
        fft,
        layer,
        inputs,
        inputShape: node.inputTensors[0]!.shape,
        name: layer.name,
        weight: weightReader(layer),
        constant: (suffix, values, dims) => graph.floatConstant(`${layer.name}/${suffix}`, values, dims),
      };
      let output: string;
      try {
        output = graph.withFloatType(layerType, () => converterFor(layer.getClassName(), opset)!.convert(context));
      } catch (error) {
        if (error instanceof NonFiniteWeightError) {
          throw new MlpxError(`cannot export: layer '${layer.name}' has a non-finite weight (${error.message}); the model diverged in training`);
        }
        if (error instanceof Float16RangeError) throw new MlpxError(`cannot export layer '${layer.name}' in fp16: ${error.message}; export it as fp32 or int8`);
        throw error instanceof MlpxError ? error : new MlpxError(`cannot export layer '${layer.name}' (${layer.getClassName()}): ${(error as Error).message}`);
      }
      const outputTensor = node.outputTensors[0]!;
      valueOf.set(outputTensor.id, output);
      if (!typeOf.has(output)) typeOf.set(output, layerType);
      if (output !== INPUT_NAME) graph.setShape(output, shapeDims(outputTensor.shape), typeOf.get(output));
    }
  }

  const outputTensor = model.outputs[0]!;
  const modelOutput = valueOf.get(outputTensor.id);
  if (modelOutput === undefined || modelOutput === INPUT_NAME) throw new MlpxError('cannot export: the model output is not computed from its input');
  // The outputs are float32 at every precision; softmax runs on the float32 logits.
  const logits = asType(modelOutput, 'float32');
  graph.renameValue(logits, LOGITS_NAME);
  const probabilities = graph.op('Softmax', [LOGITS_NAME], { name: PROBABILITIES_NAME, attributes: { axis: attr.int(-1) } });
  graph.renameValue(probabilities, PROBABILITIES_NAME);

  const outputDims = shapeDims(outputTensor.shape);
  const extraOutputs = [...new Set(denseInputs.values())].filter((name) => name !== INPUT_NAME).map((name) => ({ name }));
  const graphProto = graph.toGraphProto({
    name: model.name,
    doc: `${model.name}: raw 0-255 pixels in (NHWC), logits and softmax probabilities out.`,
    inputs: [{ name: INPUT_NAME, dims: shapeDims(model.inputs[0]!.shape) }],
    outputs: [{ name: LOGITS_NAME, dims: outputDims }, { name: PROBABILITIES_NAME, dims: outputDims }, ...extraOutputs],
  });
  const bytes = encodeModel({
    ir_version: irVersionFor(opset),
    opset_import: [{ domain: '', version: opset }, ...graph.usedDomains.map((domain) => ({ domain, version: 1 }))],
    producer_name: PRODUCER_NAME,
    producer_version: options.producerVersion ?? '',
    model_version: 1,
    doc_string: options.description ?? '',
    graph: graphProto,
    metadata_props: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
  return { bytes, denseInputs };
}

export function exportToOnnx(model: tf.LayersModel, options: ExportOptions = {}): Uint8Array {
  return buildOnnx(model, options, false).bytes;
}

/**
 * The fp32 graph with every value an int8 export would quantize (the input of each dense layer
 * over the last axis) as one more output, for calibration; `denseInputs` maps each dense layer's
 * node name to the output holding its input.
 */
export function exportForCalibration(model: tf.LayersModel, options: Omit<ExportOptions, 'numerics'> = {}): BuiltGraph {
  return buildOnnx(model, { ...options, numerics: FP32 }, true);
}
