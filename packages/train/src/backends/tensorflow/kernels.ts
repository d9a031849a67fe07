/**
 * TensorFlow kernels that tfjs has no op for, or reaches only through a slower one, called
 * directly through tfjs-node's backend (native TensorFlow only: the TensorFlow forms in ops/ use
 * them). Each call is one eagerly executed kernel whose
 * output tfjs tracks like any other tensor (tidy disposes it); no gradient is recorded, so they
 * belong inside forms whose backward pass is written out.
 *
 * Measured on the blocks' shapes (2-core CPU, TensorFlow 2.21):
 *  - column sums of [8192, 256]: BiasAddGrad 0.27 ms, tf.sum(x, 0) 0.73 ms (tfjs's Sum kernel);
 *  - a 2-D matmul: tfjs's matMul runs every matmul as BatchMatMulV2, which is 10% slower than
 *    MatMul for a transposed left operand (x^T dy: 22.5 against 20.2 ms for [8192, 256] x
 *    [8192, 512]) and about even untransposed, but 5 to 25% faster for a transposed right one
 *    (dy W^T: 20 against 25 ms for [8192, 512] x [256, 512]^T), which therefore stays with it;
 *  - the real-input 2-D FFT, which tfjs has no op for (ops/real-dft2d.ts);
 *  - a gather of rows: tfjs-node's GatherV2 reads the indices back to check them in JavaScript,
 *    which a recorded step graph cannot hold (graph/op-recorder.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { tensorflowBackend, type OpAttribute, type TensorflowBackend } from './tfjs-node-backend.js';

/** A type attribute: `name` set to one of the binding's TF_ data types. */
function typeAttribute(kernels: TensorflowBackend, name: string, dataType: number): OpAttribute {
  return { name, type: kernels.binding.TF_ATTR_TYPE, value: dataType };
}

function floatType(kernels: TensorflowBackend): OpAttribute {
  return typeAttribute(kernels, 'T', kernels.binding.TF_FLOAT);
}

/** BiasAdd's and BiasAddGrad's layout: the bias is along the last axis. */
function channelsLast(kernels: TensorflowBackend): OpAttribute {
  return { name: 'data_format', type: kernels.binding.TF_ATTR_STRING, value: 'NHWC' };
}

/** a b for float32 matrices, either operand transposed by flag (TensorFlow's MatMul, or BatchMatMulV2 for b^T alone). */
export function matMul2d(a: tf.Tensor2D, b: tf.Tensor2D, transposeA = false, transposeB = false): tf.Tensor2D {
  if (transposeB && !transposeA) return tf.matMul(a, b, false, true);
  const kernels = tensorflowBackend();
  const flag = (name: string, value: boolean): OpAttribute => ({ name, type: kernels.binding.TF_ATTR_BOOL, value });
  return kernels.executeSingleOutput('MatMul', [floatType(kernels), flag('transpose_a', transposeA), flag('transpose_b', transposeB)], [a, b]) as tf.Tensor2D;
}

/** The sums over every axis but the last of a float32 tensor: [..., n] -> [n] (BiasAddGrad). */
export function columnSums(x: tf.Tensor): tf.Tensor1D {
  const kernels = tensorflowBackend();
  return kernels.executeSingleOutput('BiasAddGrad', [floatType(kernels), channelsLast(kernels)], [x]) as tf.Tensor1D;
}

/**
 * Re(RFFT2D(x)): the real part of the 2-D FFT over the last two axes of a float32 tensor, columns
 * 0 .. floor(D/2) of the last axis only. fftLength: [N, D] as an int32 tensor.
 */
export function rfft2dRealPart(x: tf.Tensor, fftLength: tf.Tensor1D): tf.Tensor {
  const kernels = tensorflowBackend();
  const type = (name: string, value: number): OpAttribute => typeAttribute(kernels, name, value);
  return tf.tidy(() => {
    const spectrum = kernels.executeSingleOutput(
      'RFFT2D',
      [type('Treal', kernels.binding.TF_FLOAT), type('Tcomplex', kernels.binding.TF_COMPLEX64)],
      [x, fftLength],
    );
    return kernels.executeSingleOutput('Real', [type('T', kernels.binding.TF_COMPLEX64), type('Tout', kernels.binding.TF_FLOAT)], [spectrum]);
  });
}

/** The slices of a float32 tensor at int32 indices along `axis` (GatherV2, the indices not read back). */
export function gather<T extends tf.Tensor>(x: T, indices: tf.Tensor1D, axis = 0): T {
  const kernels = tensorflowBackend();
  const type = (name: string, value: number): OpAttribute => typeAttribute(kernels, name, value);
  return tf.tidy(() =>
    kernels.executeSingleOutput(
      'GatherV2',
      [
        { name: 'batch_dims', type: kernels.binding.TF_ATTR_INT, value: 0 },
        type('Tparams', kernels.binding.TF_FLOAT),
        type('Tindices', kernels.binding.TF_INT32),
        type('Taxis', kernels.binding.TF_INT32),
      ],
      [x, indices, tf.scalar(axis, 'int32')],
    ),
  ) as T;
}

/**
 * x W + b for float32 [rows, in] x [in, out] and [out]: MatMul then BiasAdd, the pattern
 * TensorFlow's graph optimizer fuses into one matmul with its bias (oneDNN's on the CPU) when the
 * step runs as a graph; tfjs's add would be a broadcasting Add, which it leaves alone.
 */
export function matMulPlusBias(x: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor): tf.Tensor2D {
  const kernels = tensorflowBackend();
  return tf.tidy(() => kernels.executeSingleOutput('BiasAdd', [floatType(kernels), channelsLast(kernels)], [matMul2d(x, w), bias])) as tf.Tensor2D;
}
