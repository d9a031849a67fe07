/**
 * Five training steps of each seed model against Keras (TensorFlow 2.15, tfa AdamW, tfa GELU;
 * fixtures from `test/tools/keras_reference.py trajectories`): the same initial weights and
 * batches give each step's loss within 1e-4 relative and every weight after the last step within
 * 1e-4 relative to its largest value (1e-6 absolute floor; see keras-trajectory.ts
 * for why per weight). This checks the loss, every layer's gradient in training
 * mode and AdamW's update rule together. On wasm; keras-trajectory-tensorflow.test.ts runs the
 * same on the tensorflow backend.
 */
import { useBackend } from '../../helpers/backend.js';
import { describeKerasTrajectories } from '../../helpers/keras-trajectory-suite.js';

useBackend('wasm');

describeKerasTrajectories('wasm');
