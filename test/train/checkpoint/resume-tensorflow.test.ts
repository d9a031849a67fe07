/** Resume on native TensorFlow: the resumed run ends with the uninterrupted run's weights and history. */
import { useBackend } from '../../helpers/backend.js';
import { resumeTests } from '../../helpers/resume-suite.js';
import { describeWithTensorflow } from '../../helpers/tensorflow.js';

describeWithTensorflow('resume on tensorflow', () => {
  useBackend('tensorflow');
  resumeTests('tensorflow');
});
