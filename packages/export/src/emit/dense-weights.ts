/** A dense layer's weights as the emitters take them: kernel [in, out] and bias [out]. */
export interface DenseWeights {
  readonly kernel: { values: Float32Array; shape: number[] };
  readonly bias: { values: Float32Array; shape: number[] };
}
