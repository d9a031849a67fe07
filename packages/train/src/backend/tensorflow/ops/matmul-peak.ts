/**
 * Native TensorFlow's answer to bench/matmul-peak.ts's question, whether an op's result has been
 * computed when it returns: yes on the CPU (tensors in host memory, kernels run eagerly), no on a
 * GPU (CUDA kernels run asynchronously; a repetition is timed to its readback).
 */
import type { ResultsReadyOnReturnForm } from '../../../bench/matmul-peak.js';
import { tensorflowBackend } from '../tfjs-node-backend.js';

export const resultsReadyOnReturnOnTensorflow: ResultsReadyOnReturnForm = () => tensorflowBackend().isUsingGpuDevice !== true;
