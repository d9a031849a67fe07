/** The TensorFlow versions `mlpx setup tensorflow` installs by default and was tried with. */

/** The newest TensorFlow tried with tfjs-node 4.22.0's addon; 2.18 and later compile Hopper (sm_90) kernels. */
export const DEFAULT_TENSORFLOW_VERSION = '2.21.0';
/** The versions `mlpx setup tensorflow --tensorflow V` was run with, and that trained (docs/native-tensorflow.md, "TensorFlow versions tried"). */
export const TESTED_TENSORFLOW_VERSIONS = ['2.15.1', '2.18.1', '2.19.1', '2.20.0', '2.21.0'] as const;
