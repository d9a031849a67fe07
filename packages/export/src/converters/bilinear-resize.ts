/**
 * BilinearResize -> Resize, mode linear, coordinate_transformation_mode half_pixel: the same
 * mapping as the layer's tf.image.resizeBilinear(halfPixelCenters = true), on NHWC. The output
 * size is given as `sizes`, never as float scales (a float scale can floor to one pixel short).
 * Opset 18+ names the resized axes; before, sizes covers every axis, so the dynamic batch size is
 * read with Shape and prepended. A resize to the input's own size is the identity and is skipped.
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
    if (graph.opset >= 18) {
      const sizes = graph.int64Constant(`${name}/sizes`, [resize.height, resize.width]);
      return graph.op('Resize', [inputs[0]!, '', '', sizes], { name, attributes: { ...attributes, axes: attr.ints([1, 2]) } });
    }
    const shape = graph.op('Shape', [inputs[0]!], { name: `${name}/input_shape` });
    const batch = graph.op('Slice', [shape, graph.int64Constant(`${name}/start`, [0]), graph.int64Constant(`${name}/end`, [1])], { name: `${name}/batch` });
    const sizes = graph.op('Concat', [batch, graph.int64Constant(`${name}/image_size`, [resize.height, resize.width, channels as number])], {
      name: `${name}/sizes`,
      attributes: { axis: attr.int(0) },
    });
    return graph.op('Resize', [inputs[0]!, '', '', sizes], { name, attributes });
  },
};

registerConverter(bilinearResizeConverter);
