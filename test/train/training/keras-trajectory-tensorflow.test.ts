/** keras-trajectory.test.ts on native TensorFlow (run when `mlpx setup tensorflow` has built it). */
import { useBackend } from '../../helpers/backend.js';
import { describeKerasTrajectories } from '../../helpers/keras-trajectory-suite.js';
import { describeWithTensorflow } from '../../helpers/tensorflow.js';

describeWithTensorflow('trajectories on tensorflow', () => {
  useBackend('tensorflow');
  describeKerasTrajectories('tensorflow');
});
