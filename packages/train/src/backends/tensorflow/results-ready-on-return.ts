/**
 * Native TensorFlow's resultsReadyOnReturn trait (backend-api/backend-traits.ts), whether an op's
 * result has been computed when it returns: yes on the CPU (tensors in host memory, kernels run
 * eagerly), no on a GPU (CUDA kernels run asynchronously; a timing waits for the readback).
 */
import type { BackendTraits } from '../../backend-api/backend-traits.js';
import { tensorflowBackend } from './tfjs-node-backend.js';

export const resultsReadyOnReturnOnTensorflow: BackendTraits['resultsReadyOnReturn'] = () => tensorflowBackend().isUsingGpuDevice !== true;
