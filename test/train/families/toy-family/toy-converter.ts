/**
 * The toy block's ONNX converter: out = x + GELU(MatMul(x, W) + b), GELU written with Erf (exact)
 * or Tanh, from ONNX operators of opset 13. Registered with @mlpx/export's registerConverter
 * under the layer's class name.
 */
import type { Converter } from '@mlpx/export';
import type { ToyBlock } from './toy-block.js';

export const toyBlockConverter: Converter = {
  className: 'ToyBlock',
  minOpset: 13,
  convert({ graph, layer, inputs, name, weight, constant }) {
    const kernel = weight('kernel');
    const bias = weight('bias');
    const scalar = (suffix: string, value: number): string => constant(suffix, Float32Array.of(value), []);
    const op = (type: string, args: string[], step: string): string => graph.op(type, args, { name: `${name}/${step}` });
    const x = inputs[0]!;
    const hidden = op('Add', [op('MatMul', [x, constant('kernel', kernel.values, kernel.shape)], 'matmul'), constant('bias', bias.values, bias.shape)], 'bias');
    // GELU(h) = 0.5 h (1 + erf(h / sqrt 2)), or 0.5 h (1 + tanh(sqrt(2 / pi) (h + 0.044715 h^3))).
    const inner =
      (layer as ToyBlock).gelu === 'exact'
        ? op('Erf', [op('Mul', [hidden, scalar('sqrt1_2', Math.SQRT1_2)], 'scale')], 'erf')
        : op(
            'Tanh',
            [
              op(
                'Mul',
                [
                  op(
                    'Add',
                    [hidden, op('Mul', [op('Mul', [op('Mul', [hidden, hidden], 'square'), hidden], 'cube'), scalar('cubic', 0.044715)], 'cubic')],
                    'inner',
                  ),
                  scalar('sqrt2_pi', Math.sqrt(2 / Math.PI)),
                ],
                'scale',
              ),
            ],
            'tanh',
          );
    const activated = op('Mul', [op('Mul', [hidden, scalar('half', 0.5)], 'half'), op('Add', [inner, scalar('one', 1)], 'one_plus')], 'gelu');
    return op('Add', [x, activated], 'residual');
  },
};
