/**
 * Layers that act only while training (augmentation, dropout) are the identity at inference:
 * their converters emit no node and pass their input through.
 */
import type { Converter } from './converter.js';
import { registerConverter } from './registry.js';

const TRAINING_ONLY_LAYERS = ['RandomFlip', 'RandomZoom', 'SeededDropout', 'Dropout'] as const;

export const trainingOnlyConverters: Converter[] = TRAINING_ONLY_LAYERS.map((className) => ({
  className,
  minOpset: 13,
  convert: ({ inputs }) => inputs[0]!,
}));

trainingOnlyConverters.forEach(registerConverter);
