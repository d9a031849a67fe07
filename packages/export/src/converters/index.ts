/**
 * Every converter, registered on import (one file per tfjs layer class, alphabetical). A converter
 * for a layer class of one's own is registered with registerConverter (docs/adding-a-model.md).
 */
export { bilinearResizeConverter } from './bilinear-resize.js';
export { denseConverter } from './dense.js';
export { fnetBlockConverter } from './fnet-block.js';
export { globalAveragePooling1dConverter } from './global-average-pooling-1d.js';
export { gmlpBlockConverter } from './gmlp-block.js';
export { mixerBlockConverter } from './mixer-block.js';
export { normalizationConverter } from './normalization.js';
export { patchEmbeddingConverter } from './patch-embedding.js';
export { patchPositionEmbeddingConverter } from './patch-position-embedding.js';
export { patchesConverter } from './patches.js';
export { trainingOnlyConverters } from './training-only.js';
export { converterFor, registerConverter, registeredClassNames } from './registry.js';
export type { Converter, ConverterContext } from './converter.js';
