/**
 * GELU in the form the model was trained with. Opset 20+: the Gelu operator (approximate 'none'
 * or 'tanh'). Below: the elementwise formulas, written in the node order onnxruntime's Gelu and
 * FastGelu fusions recognise:
 *   exact: x * 0.5 * (1 + Erf(x / sqrt 2))           (Div, Erf, Add, Mul, Mul)
 *   tanh:  x * 0.5 * (1 + Tanh(sqrt(2/pi) * (x + 0.044715 x^3)))
 */
import type { GeluApproximation } from '@mlpx/train';
import { attr } from '../onnx/attributes.js';
import type { GraphBuilder } from '../onnx/graph-builder.js';

export function gelu(graph: GraphBuilder, x: string, approximation: GeluApproximation, name: string): string {
  if (graph.opset >= 20) {
    return graph.op('Gelu', [x], { name, attributes: { approximate: attr.string(approximation === 'exact' ? 'none' : 'tanh') } });
  }
  const scalar = (suffix: string, value: number): string => graph.floatConstant(`${name}/${suffix}`, Float32Array.of(value), []);
  const one = scalar('one', 1);
  const half = scalar('half', 0.5);
  let inner: string;
  if (approximation === 'exact') {
    inner = graph.op('Erf', [graph.op('Div', [x, scalar('sqrt2', Math.SQRT2)], { name: `${name}/scale` })], { name: `${name}/erf` });
  } else {
    const cube = graph.op('Mul', [graph.op('Mul', [x, x], { name: `${name}/square` }), x], { name: `${name}/cube` });
    const poly = graph.op('Add', [x, graph.op('Mul', [cube, scalar('coefficient', 0.044715)], { name: `${name}/cubic_term` })], { name: `${name}/poly` });
    const scaled = graph.op('Mul', [poly, scalar('sqrt_2_over_pi', Math.sqrt(2 / Math.PI))], { name: `${name}/scale` });
    inner = graph.op('Tanh', [scaled], { name: `${name}/tanh` });
  }
  const gate = graph.op('Add', [inner, one], { name: `${name}/add_one` });
  return graph.op('Mul', [graph.op('Mul', [x, gate], { name: `${name}/gate` }), half], { name: `${name}/half` });
}
