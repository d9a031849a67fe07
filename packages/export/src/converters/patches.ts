/**
 * Patches -> Reshape [-1, p, W/p, p*C], Transpose [0, 2, 1, 3], Reshape [-1, (H/p)(W/p), p*p*C]:
 * the layer's own computation, with -1 standing for the batch so a dynamic batch works (unlike
 * tf2onnx's ExtractImagePatches: https://github.com/onnx/tensorflow-onnx/issues/2403).
 */
import type { Patches } from '@mlpx/train';
import { attr } from '../onnx/attributes.js';
import type { Converter } from './converter.js';
import { registerConverter } from './registry.js';

export const patchesConverter: Converter = {
  className: 'Patches',
  minOpset: 13,
  convert({ graph, layer, inputs, inputShape, name }) {
    const p = (layer as Patches).patchSize;
    const [, height, width, channels] = inputShape as [null, number, number, number];
    const rows = graph.op('Reshape', [inputs[0]!, graph.int64Constant(`${name}/rows_shape`, [-1, p, width / p, p * channels])], { name: `${name}/rows` });
    const grid = graph.op('Transpose', [rows], { name: `${name}/grid`, attributes: { perm: attr.ints([0, 2, 1, 3]) } });
    const patches = (height / p) * (width / p);
    return graph.op('Reshape', [grid, graph.int64Constant(`${name}/patches_shape`, [-1, patches, p * p * channels])], { name: `${name}/flatten` });
  },
};

registerConverter(patchesConverter);
