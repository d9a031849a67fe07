/**
 * A small learnable image set: each class is a fixed random pattern plus per-image noise, so a
 * model can separate them within a few steps. Deterministic for a given seed.
 */
import seedrandom from 'seedrandom';
import type { ImageSplit } from '@mlpx/train/src/data/dataset.js';

export function syntheticImages(options: { count: number; classes: number; size: number; channels: number; seed: number }): ImageSplit {
  const random = seedrandom.alea(String(options.seed));
  const pixels = options.size * options.size * options.channels;
  const patterns = Array.from({ length: options.classes }, () => Float32Array.from({ length: pixels }, () => random() * 255));
  const images = new Uint8Array(options.count * pixels);
  const labels = new Int32Array(options.count);
  for (let i = 0; i < options.count; i++) {
    const label = i % options.classes;
    labels[i] = label;
    for (let p = 0; p < pixels; p++) {
      const value = patterns[label]![p]! * 0.7 + random() * 0.3 * 255;
      images[i * pixels + p] = Math.max(0, Math.min(255, Math.round(value)));
    }
  }
  return { images, labels, count: options.count };
}
