/** tfjs GlobalAveragePooling1D (channels last) -> ReduceMean over the patch axis. */
import { reduceMean } from '../emit/reduce-mean.js';
import type { Converter } from './converter.js';
import { registerConverter } from './registry.js';

export const globalAveragePooling1dConverter: Converter = {
  className: 'GlobalAveragePooling1D',
  minOpset: 13,
  convert({ graph, layer, inputs, name }) {
    const format = layer.getConfig()['dataFormat'];
    if (format !== undefined && format !== 'channelsLast') throw new Error(`GlobalAveragePooling1D ${layer.name}: only channelsLast is supported`);
    return reduceMean(graph, inputs[0]!, { axes: [1], keepDims: false }, name);
  },
};

registerConverter(globalAveragePooling1dConverter);
