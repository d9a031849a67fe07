/**
 * The training step on native TensorFlow: run once op by op while its kernels are recorded
 * (op-recorder.ts), its effects undone, and then, for that batch and every later one of the same
 * shape, run as that graph in one TensorFlow session run.
 *
 * Op by op, tfjs-node runs each of the step's 1,000 to 1,200 kernels eagerly, one call into
 * TensorFlow at a time. As a graph, TensorFlow runs the whole step as Keras's model.fit does in
 * a tf.function: Grappler's rewrites (and oneDNN's on the CPU) over the whole graph, independent
 * kernels in parallel, buffers reused as their last reader finishes, and no JavaScript between
 * kernels. Measured in BENCHMARKS.md ("Training on TensorFlow").
 *
 * The graph's inputs are the weights, AdamW's moments, the images, the labels and the step
 * inputs (layers/step-inputs.ts: dropout masks, augmentation taps, AdamW's step size, made by
 * JavaScript for each step from the same random stream as op by op); its outputs are the new
 * weights and moments, and the batch's [lossSum, correct, top5Correct]. Nothing stays in the
 * session between steps: the weights remain tfjs variables, so checkpoints, evaluation and
 * export see them as before. A batch of another size (an epoch's last) records a graph of its own.
 *
 * If recording or loading the graph fails, the step says why once and runs op by op from then
 * on; MLPX_TENSORFLOW_GRAPH=0 asks for op by op from the start.
 */
import * as tf from '@tensorflow/tfjs';
import { describeError } from '@mlpx/core';
import { randomSource } from '../../../layers/random-source.js';
import { makeStepInputs, recordStepInputs, stepInput, type StepInput } from '../../../layers/step-inputs.js';
import type { AdamW } from '../../../training/adamw.js';
import type { TrainStepRunner } from '../../../training/step-runner.js';
import { gradientsOfSlice, trainStep } from '../../../training/train-step.js';
import { GraphSession } from './graph-session.js';
import { OpRecorder } from './op-recorder.js';
import { tensorflowBackend } from '../tfjs-node-backend.js';

interface RecordedStep {
  readonly session: GraphSession;
  readonly stepInputs: readonly StepInput[];
  readonly optimizer: AdamW;
}

/** What the step is fed besides the step inputs, in the graph's order. */
function stateOf(optimizer: AdamW, variables: readonly tf.Variable[]): tf.Variable[] {
  return [...variables, ...optimizer.momentVariables(variables)];
}

/** Whether training on TensorFlow runs each step as a graph (MLPX_TENSORFLOW_GRAPH=0 says not). */
export function stepGraphsEnabled(): boolean {
  return process.env['MLPX_TENSORFLOW_GRAPH'] !== '0';
}

export class GraphTrainStep implements TrainStepRunner {
  readonly threads = 1;
  private readonly graphs = new Map<string, RecordedStep>();
  private opByOp: boolean;

  constructor(
    private readonly model: tf.LayersModel,
    private readonly warn: (message: string) => void = (message) => process.stderr.write(`mlpx: warning: ${message}\n`),
  ) {
    this.opByOp = !stepGraphsEnabled();
  }

  /** The batch shapes ([B, H, W, C] joined by x) that have a loaded step graph. */
  graphShapes(): string[] {
    return [...this.graphs.keys()];
  }

  async step(optimizer: AdamW, variables: readonly tf.Variable[], images: tf.Tensor4D, labels: tf.Tensor1D): Promise<tf.Tensor1D> {
    if (this.opByOp) return trainStep(this.model, optimizer, variables, images, labels);
    const key = `${images.shape.join('x')}`;
    let graph = this.graphs.get(key);
    if (graph?.optimizer !== optimizer) {
      graph?.session.dispose();
      this.graphs.delete(key);
      graph = this.record(optimizer, variables, images, labels);
      if (!graph) return trainStep(this.model, optimizer, variables, images, labels);
      this.graphs.set(key, graph);
    }
    return this.run(graph, variables, images, labels);
  }

  /**
   * Runs the step op by op, recorded, and loads its graph; then puts back the weights, moments,
   * optimizer step and random stream as they were, so that this step too runs as the graph (a
   * resumed run then takes the same steps as an uninterrupted one). Undefined, after saying why,
   * if the step cannot be a graph.
   */
  private record(optimizer: AdamW, variables: readonly tf.Variable[], images: tf.Tensor4D, labels: tf.Tensor1D): RecordedStep | undefined {
    const recorder = new OpRecorder(tensorflowBackend());
    const state = stateOf(optimizer, variables);
    const before = { values: state.map((tensor) => tf.clone(tensor)), step: optimizer.step, random: randomSource.state() };
    const feeds = new Set<string>();
    const feed = (tensor: tf.Tensor, name: string): void => {
      recorder.feed(tensor, name);
      feeds.add(name);
    };
    try {
      state.forEach((tensor, i) => feed(tensor, `state_${i}`));
      feed(images, 'images');
      feed(labels, 'labels');
      let stepInputCount = 0;
      const {
        result: totals,
        inputs: stepInputs,
        drawsOutside,
      } = recordStepInputs(
        () => recorder.record(() => stepOfGraph(this.model, optimizer, variables, images, labels)),
        (input) => input.tensors.forEach((tensor) => feed(tensor, `step_input_${stepInputCount++}`)),
      );
      try {
        if (drawsOutside !== 0)
          throw new Error(`the step drew ${drawsOutside} number(s) from the random stream outside stepInput(); a graph would repeat them every step`);
        const outputs = [...stateOf(optimizer, variables), totals].map((tensor, i) => {
          const name = recorder.nameOf(tensor);
          return feeds.has(name) ? recorder.identity(tensor, `output_${i}`) : name;
        });
        const inputs = [...state.map((_, i) => `state_${i}`), 'images', 'labels', ...[...feeds].filter((name) => name.startsWith('step_input_'))];
        return { session: GraphSession.load(tensorflowBackend(), recorder.nodes, inputs, outputs), stepInputs, optimizer };
      } finally {
        totals.dispose();
      }
    } catch (error) {
      this.fallBack(error);
      return undefined;
    } finally {
      state.forEach((variable, i) => variable.assign(before.values[i]!));
      tf.dispose(before.values);
      optimizer.step = before.step;
      randomSource.restore(before.random);
    }
  }

  private run(graph: RecordedStep, variables: readonly tf.Variable[], images: tf.Tensor4D, labels: tf.Tensor1D): tf.Tensor1D {
    const state = stateOf(graph.optimizer, variables);
    const stepTensors = makeStepInputs(graph.stepInputs);
    let outputs: tf.Tensor[];
    try {
      outputs = graph.session.run([...state, images, labels, ...stepTensors]);
    } finally {
      tf.dispose(stepTensors);
    }
    state.forEach((variable, i) => {
      variable.assign(outputs[i]!);
      outputs[i]!.dispose();
    });
    return outputs[state.length] as tf.Tensor1D;
  }

  private fallBack(error: unknown): void {
    this.opByOp = true;
    for (const graph of this.graphs.values()) graph.session.dispose();
    this.graphs.clear();
    this.warn(`training runs op by op on TensorFlow from here: the step could not run as one graph (${describeError(error).split('\n')[0]})`);
  }

  async close(): Promise<void> {
    for (const graph of this.graphs.values()) graph.session.dispose();
    this.graphs.clear();
  }
}

/**
 * trainStep as recorded: the same gradients and the same AdamW update, the step size a step
 * input, so that each run of the graph is fed the next step's.
 */
function stepOfGraph(model: tf.LayersModel, optimizer: AdamW, variables: readonly tf.Variable[], images: tf.Tensor4D, labels: tf.Tensor1D): tf.Tensor1D {
  const { grads, totals } = gradientsOfSlice(model, variables, images, labels, { offset: 0, total: images.shape[0] });
  const stepSize = stepInput(() => tf.scalar(optimizer.takeStep()));
  optimizer.updateWithTensors(variables, grads, stepSize);
  tf.dispose([grads, stepSize]);
  return totals;
}
