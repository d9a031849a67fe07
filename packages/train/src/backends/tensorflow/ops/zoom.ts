/**
 * The zoom's gathers (layers/ops/zoom.ts) on native TensorFlow: GatherV2 called directly
 * (../kernels.ts). tfjs-node's own gather reads the indices back to check them in JavaScript,
 * which a recorded step graph cannot hold (../graph/op-recorder.ts).
 */
import type { ZoomGatherForm } from '../../../layers/ops/zoom.js';
import { gather } from '../kernels.js';

export const zoomGatherOnTensorflow: ZoomGatherForm = (m, indices) => gather(m, indices);
