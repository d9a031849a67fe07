/**
 * A recorded graph loaded into a TensorFlow session: written as a SavedModel into a temporary
 * folder, loaded through tfjs-node's binding (TF_LoadSessionFromSavedModel, which runs
 * TensorFlow's graph optimizer, Grappler, and on the CPU oneDNN's rewrites, as for a Keras model
 * in a tf.function), and the folder removed. Each run feeds tfjs tensors to the named inputs and
 * returns the named outputs as tfjs tensors (tracked by tfjs like any op's output).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { encodeSavedModel, SAVED_MODEL_TAG, type NodeDef } from './saved-model-proto.js';
import type { TensorflowBackend } from '../tfjs-node-backend.js';

/** A graph tensor's name as the session takes it: "node" means output 0, "node:k" output k. */
function tensorName(name: string): string {
  return name.includes(':') ? name : `${name}:0`;
}

export class GraphSession {
  private modelId: number | undefined;

  private constructor(
    private readonly backend: TensorflowBackend,
    modelId: number,
    private readonly inputNames: string,
    private readonly outputNames: string,
    private readonly inputCount: number,
  ) {
    this.modelId = modelId;
  }

  static load(backend: TensorflowBackend, nodes: readonly NodeDef[], inputs: readonly string[], outputs: readonly string[]): GraphSession {
    for (const name of [...inputs, ...outputs]) {
      if (name.includes(',')) throw new Error(`graph tensor name ${name} has a comma`);
    }
    const folder = mkdtempSync(join(tmpdir(), 'mlpx-step-graph-'));
    try {
      writeFileSync(join(folder, 'saved_model.pb'), encodeSavedModel(nodes));
      const modelId = backend.binding.loadSavedModel(folder, SAVED_MODEL_TAG);
      return new GraphSession(backend, modelId, inputs.map(tensorName).join(','), outputs.map(tensorName).join(','), inputs.length);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }

  /** One run of the graph: `inputs` in the order of the names given at load. */
  run(inputs: readonly tf.Tensor[]): tf.Tensor[] {
    if (this.modelId === undefined) throw new Error('the step graph was disposed');
    if (inputs.length !== this.inputCount) throw new Error(`the step graph takes ${this.inputCount} inputs, got ${inputs.length}`);
    const ids = this.backend.getInputTensorIds(inputs);
    const outputs = this.backend.binding.runSavedModel(this.modelId, ids, this.inputNames, this.outputNames);
    return outputs.map((metadata) => this.backend.createOutputTensor(metadata));
  }

  dispose(): void {
    if (this.modelId === undefined) return;
    this.backend.binding.deleteSavedModel(this.modelId);
    this.modelId = undefined;
  }
}
