/**
 * BilinearResize -> Transpose to NCHW, Resize (mode linear, coordinate_transformation_mode
 * half_pixel: the mapping of the layer's tf.image.resizeBilinear(halfPixelCenters = true)),
 * Transpose back to NHWC.
 *
 * Resize is done on NCHW because that is the layout every execution provider implements for 4-D
 * linear resizes: onnxruntime's WebGPU EP (1.30) returns wrong pixels for a Resize of the middle
 * axes of an NHWC tensor, while CPU gets it right (test/export/execution-providers.test.ts).
 * The output size is given as `sizes`, never as float scales (a float scale can floor to one
 * pixel short), and covers every axis, the dynamic batch size read with Shape: opset 18's `axes`
 * attribute would allow [h, w] alone, but onnxruntime's transpose optimizer (1.30) rewrites such a
 * Resize into an invalid one. A resize to the input's own size is the identity and is skipped.
 */
import type { BilinearResize } from '@mlpx/train';
import { attr } from '../onnx/attributes.js';
import type { Converter } from './converter.js';
import { registerConverter } from './registry.js';

export const bilinearResizeConverter: Converter = {
  className: 'BilinearResize',
  minOpset: 13,
  convert({ graph, layer, inputs, inputShape, name }) {
    const resize = layer as BilinearResize;
    const [, height, width, channels] = inputShape;
    if (height === resize.height && width === resize.width) return inputs[0]!;
    const attributes = { mode: attr.string('linear'), coordinate_transformation_mode: attr.string('half_pixel') };
    const nchw = graph.op('Transpose', [inputs[0]!], { name: `${name}/to_nchw`, attributes: { perm: attr.ints([0, 3, 1, 2]) } });
    const shape = graph.op('Shape', [inputs[0]!], { name: `${name}/input_shape` });
    const batch = graph.op('Slice', [shape, graph.int64Constant(`${name}/start`, [0]), graph.int64Constant(`${name}/end`, [1])], { name: `${name}/batch` });
    const sizes = graph.op('Concat', [batch, graph.int64Constant(`${name}/channels_and_size`, [channels as number, resize.height, resize.width])], {
      name: `${name}/sizes`,
      attributes: { axis: attr.int(0) },
    });
    const resized = graph.op('Resize', [nchw, '', '', sizes], { name, attributes });
    return graph.op('Transpose', [resized], { name: `${name}/to_nhwc`, attributes: { perm: attr.ints([0, 2, 3, 1]) } });
  },
};

registerConverter(bilinearResizeConverter);
