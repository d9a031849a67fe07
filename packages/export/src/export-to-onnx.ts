/**
 * exportToOnnx: a trained tfjs LayersModel to ONNX bytes. Walks the model's layers in topological
 * order and asks each layer's converter (converters/, registered by tfjs class name) for its
 * nodes; every weight and every derived matrix becomes a constant computed here (constant
 * folding at export). The graph keeps @mlpx/core's contract: it takes the images [batch, H, W, C]
 * (raw 0-255, NHWC, dynamic batch) and gives the logits and their Softmax, the probabilities
 * [batch, classes].
 */
import type * as tf from '@tensorflow/tfjs';
import { encodeModel, INPUT_NAME, LOGITS_NAME, MlpxError, PROBABILITIES_NAME, warnDeprecated } from '@mlpx/core';
import type { ConverterContext } from './converters/converter.js';
import { converterFor, registeredClassNames } from './converters/index.js';
import { attr } from './onnx/attributes.js';
import { type Dim, type ElementType, Float16RangeError, GraphBuilder, NonFiniteWeightError } from './onnx/graph-builder.js';
import { FP32, type Numerics } from './onnx/numerics.js';
import { DEFAULT_OPSET, irVersionFor, MAX_OPSET, MIN_OPSET } from './onnx/versions.js';
import type { FftMode } from './emit/real-dft2d.js';
import { checkConverterOptions, optionsOf } from './converters/converter-options.js';

export const BATCH_DIM = 'batch';
export const PRODUCER_NAME = 'mlpx';

export interface ExportOptions {
  /** ONNX opset, 13 to 21 (default 17). */
  readonly opset?: number;
  /**
   * The options of the converters that have their own, by name: `{ fft: 'dft' }` writes FNet's
   * Fourier transform as the DFT operator (opset 17+) instead of matrix products (the default).
   */
  readonly converterOptions?: Readonly<Record<string, string>>;
  /** @deprecated FNet's converter's own option: use `converterOptions: { fft }` (MLPX_DEP007). */
  readonly fft?: FftMode;
  /** metadata_props written into the model. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** The model's doc_string. */
  readonly description?: string;
  /** producer_version (the mlpx version). */
  readonly producerVersion?: string;
  /**
   * The precision of the graph's values (onnx/numerics.ts), float32 by default. int8 takes the
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

function checkOpset(opset: number): void {
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new MlpxError(`--opset ${opset} is not supported: choose ${MIN_OPSET} to ${MAX_OPSET} (default ${DEFAULT_OPSET})`);
  }
}

/** The converters' options of an export: `converterOptions`, with the deprecated `fft` among them. */
export function converterOptionsOf(options: Pick<ExportOptions, 'converterOptions' | 'fft'>): Readonly<Record<string, string>> {
  // The one place that reads the deprecated field, to carry it over for this release.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const { fft } = options;
  if (fft === undefined) return options.converterOptions ?? {};
  warnDeprecated('MLPX_DEP007');
  return { fft, ...options.converterOptions };
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

/** What buildOnnx writes besides the model's own graph. */
interface BuildOptions {
  /** Every value an int8 export would quantize (each dense layer's input) as one more graph output: the calibration graph. */
  readonly denseInputsAsOutputs?: boolean;
}

/** The layers to convert (all but the input), once the model is known to have one input, one output and a converter for each layer at `opset`. */
function layersToConvert(model: tf.LayersModel, opset: number): tf.layers.Layer[] {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new MlpxError(`cannot export: mlpx exports models with one input and one output, this one has ${model.inputs.length} and ${model.outputs.length}`);
  }
  const layers = model.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
  const unsupported = layers
    .filter((layer) => !converterFor(layer.getClassName(), opset))
    .map((layer) => ({ name: layer.name, className: layer.getClassName() }));
  if (unsupported.length > 0) throw new UnsupportedLayersError(unsupported, opset);
  return layers;
}

/**
 * The values of a graph being built: the ONNX value of each tfjs tensor, the element type of each
 * value, and the Casts between float32 and float16 where a layer reads a value of the other type
 * (one per value and type).
 */
class GraphValues {
  private readonly byTensor: Map<number, string>;
  private readonly types = new Map<string, ElementType>([[INPUT_NAME, 'float32']]);
  private readonly casts = new Map<string, string>();

  constructor(
    private readonly graph: GraphBuilder,
    input: tf.SymbolicTensor,
  ) {
    this.byTensor = new Map([[input.id, INPUT_NAME]]);
  }

  /** The value of a tfjs tensor; undefined for a tensor this model does not compute. */
  of(tensor: tf.SymbolicTensor): string | undefined {
    return this.byTensor.get(tensor.id);
  }

  /** Records the value a layer computed for `tensor`, of `type` unless the value has a type already (a layer passing its input through). */
  set(tensor: tf.SymbolicTensor, value: string, type: ElementType): void {
    this.byTensor.set(tensor.id, value);
    if (!this.types.has(value)) this.types.set(value, type);
  }

  typeOf(value: string): ElementType | undefined {
    return this.types.get(value);
  }

  /** `value` as `type`: the value itself, or its Cast to `type`. */
  asType(value: string, type: ElementType): string {
    if (this.types.get(value) === type) return value;
    const key = `${value}\u0000${type}`;
    let cast = this.casts.get(key);
    if (!cast) {
      cast = this.graph.cast(value, type, `${value.replace(/[:/].*$/, '')}/to_${type}`);
      this.casts.set(key, cast);
      this.types.set(cast, type);
    }
    return cast;
  }
}

/** What converting each layer of one build shares. */
interface LayerConversion {
  readonly graph: GraphBuilder;
  readonly values: GraphValues;
  readonly opset: number;
  /** The converters' options chosen for this export, by name. */
  readonly converterOptions: Readonly<Record<string, string>>;
  /** fp16: the layers compute in float16 but those of FLOAT32_LAYERS_IN_FP16. */
  readonly half: boolean;
}

/** Runs a layer's converter; a failure becomes the MlpxError that names the layer. */
function convertOrExplain(layer: tf.layers.Layer, convert: () => string): string {
  try {
    return convert();
  } catch (error) {
    if (error instanceof NonFiniteWeightError) {
      throw new MlpxError(`cannot export: layer '${layer.name}' has a non-finite weight (${error.message}); the model diverged in training`);
    }
    if (error instanceof Float16RangeError) throw new MlpxError(`cannot export layer '${layer.name}' in fp16: ${error.message}; export it as fp32 or int8`);
    throw error instanceof MlpxError ? error : new MlpxError(`cannot export layer '${layer.name}' (${layer.getClassName()}): ${(error as Error).message}`);
  }
}

/** The nodes of each call of `layer` in the model, from its converter. */
function convertLayer(conversion: LayerConversion, layer: tf.layers.Layer): void {
  const { graph, values, opset } = conversion;
  const converter = converterFor(layer.getClassName(), opset)!;
  const layerType: ElementType = conversion.half && !FLOAT32_LAYERS_IN_FP16.has(layer.getClassName()) ? 'float16' : 'float32';
  for (const node of layer.inboundNodes) {
    const found = node.inputTensors.map((t) => values.of(t));
    if (found.some((name) => name === undefined)) continue; // a call of this layer outside this model
    const inputs = (found as string[]).map((value) => values.asType(value, layerType));
    const context: ConverterContext = {
      graph,
      opset,
      options: optionsOf(converter, conversion.converterOptions),
      layer,
      inputs,
      inputShape: node.inputTensors[0]!.shape,
      name: layer.name,
      weight: weightReader(layer),
      constant: (suffix, data, dims) => graph.floatConstant(`${layer.name}/${suffix}`, data, dims),
    };
    const output = convertOrExplain(layer, () => graph.withFloatType(layerType, () => converter.convert(context)));
    const outputTensor = node.outputTensors[0]!;
    values.set(outputTensor, output, layerType);
    if (output !== INPUT_NAME) graph.setShape(output, shapeDims(outputTensor.shape), values.typeOf(output));
  }
}

/** The model's output as the logits (float32 at every precision) and their Softmax, the probabilities. */
function addOutputs(graph: GraphBuilder, values: GraphValues, model: tf.LayersModel): void {
  const modelOutput = values.of(model.outputs[0]!);
  if (modelOutput === undefined || modelOutput === INPUT_NAME) throw new MlpxError('cannot export: the model output is not computed from its input');
  // The outputs are float32 at every precision; softmax runs on the float32 logits.
  const logits = values.asType(modelOutput, 'float32');
  graph.renameValue(logits, LOGITS_NAME);
  const probabilities = graph.op('Softmax', [LOGITS_NAME], { name: PROBABILITIES_NAME, attributes: { axis: attr.int(-1) } });
  graph.renameValue(probabilities, PROBABILITIES_NAME);
}

/** The ModelProto's bytes: the graph with its input, its two outputs and `extraOutputs`, and the options' metadata. */
function encodeGraph(model: tf.LayersModel, graph: GraphBuilder, options: ExportOptions, extraOutputs: readonly string[]): Uint8Array {
  const outputDims = shapeDims(model.outputs[0]!.shape);
  const graphProto = graph.toGraphProto({
    name: model.name,
    doc: `${model.name}: raw 0-255 pixels in (NHWC), logits and softmax probabilities out.`,
    inputs: [{ name: INPUT_NAME, dims: shapeDims(model.inputs[0]!.shape) }],
    outputs: [{ name: LOGITS_NAME, dims: outputDims }, { name: PROBABILITIES_NAME, dims: outputDims }, ...extraOutputs.map((name) => ({ name }))],
  });
  return encodeModel({
    ir_version: irVersionFor(graph.opset),
    opset_import: [{ domain: '', version: graph.opset }, ...graph.usedDomains.map((domain) => ({ domain, version: 1 }))],
    producer_name: PRODUCER_NAME,
    producer_version: options.producerVersion ?? '',
    model_version: 1,
    doc_string: options.description ?? '',
    graph: graphProto,
    metadata_props: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
}

/** The ONNX model of `model`: the options and the model checked, each layer's nodes from its converter, then the outputs. */
function buildOnnx(model: tf.LayersModel, options: ExportOptions, build: BuildOptions = {}): BuiltGraph {
  const opset = options.opset ?? DEFAULT_OPSET;
  const converterOptions = converterOptionsOf(options);
  checkOpset(opset);
  checkConverterOptions(converterOptions, opset);
  const layers = layersToConvert(model, opset);
  const denseInputs = new Map<string, string>();
  const given = options.numerics ?? FP32;
  const numerics: Numerics = build.denseInputsAsOutputs ? { ...given, onDenseInput: (name, value) => denseInputs.set(name, value) } : given;
  const graph = new GraphBuilder(opset, numerics);
  const values = new GraphValues(graph, model.inputs[0]!);
  const conversion: LayerConversion = { graph, values, opset, converterOptions, half: numerics.precision === 'fp16' };
  for (const layer of layers) convertLayer(conversion, layer);
  addOutputs(graph, values, model);
  const extraOutputs = [...new Set(denseInputs.values())].filter((name) => name !== INPUT_NAME);
  return { bytes: encodeGraph(model, graph, options, extraOutputs), denseInputs };
}

export function exportToOnnx(model: tf.LayersModel, options: ExportOptions = {}): Uint8Array {
  return buildOnnx(model, options).bytes;
}

/**
 * The fp32 graph with every value an int8 export would quantize (the input of each dense layer
 * over the last axis) as one more output, for calibration; `denseInputs` maps each dense layer's
 * node name to the output holding its input.
 */
export function exportForCalibration(model: tf.LayersModel, options: Omit<ExportOptions, 'numerics'> = {}): BuiltGraph {
  return buildOnnx(model, { ...options, numerics: FP32 }, { denseInputsAsOutputs: true });
}
