/**
 * The toy family's own test cases, in the scheme of the built-in families' (test/families/): the
 * cases of a whole classifier (ModelCases: its entry's facts, its FLOPs at the seed
 * configuration), which toy-family.test.ts checks as the built-in families' tests check theirs.
 * The built-in families' other cases do not apply: its converter writes a plain MatMul (no int8
 * form of its own), it has no TensorFlow form and no Keras peer, and its own test exports it at its
 * own sizes (checked against TensorFlow.js there) rather than the trained models of
 * test/helpers/trained-models.ts.
 */
import type { ModelCases } from '../../../families/family-cases.js';

// Seed configuration: 64 patches, 256 channels. The dense layer 256 -> 256 over 64 patches, x3 in training.
const forward = 2 * 64 * 256 * 256;

export const toyCases: ModelCases = {
  family: 'toy',
  learningRate: 0.003,
  positionEmbedding: false,
  seedBlockTrainingFlops: 3 * forward,
};
