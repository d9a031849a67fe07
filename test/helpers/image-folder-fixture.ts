/**
 * A folder: dataset on disk as a user has one: a sub-folder per class of PNG files named 000.png,
 * 001.png, ... (so a folder read class by class comes in class order). Each class is a fixed random
 * pattern plus per-image noise, so a model can learn them, and every image differs from the
 * others, so a test can tell which images went where. Deterministic for a given seed.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import sharp from 'sharp';

/** Writes `counts[name]` images of `size` x `size` into `root/<name>/` for every class name. */
export async function writeImageFolder(root: string, counts: Readonly<Record<string, number>>, options: { size?: number; seed?: number } = {}): Promise<void> {
  const size = options.size ?? 8;
  const random = seedrandom.alea(String(options.seed ?? 0));
  const pixels = size * size * 3;
  for (const [name, count] of Object.entries(counts)) {
    const folder = join(root, name);
    await mkdir(folder, { recursive: true });
    const pattern = Float32Array.from({ length: pixels }, () => random() * 255);
    for (let i = 0; i < count; i++) {
      const image = Uint8Array.from(pattern, (value) => Math.round(value * 0.7 + random() * 0.3 * 255));
      await sharp(image, { raw: { width: size, height: size, channels: 3 } })
        .png()
        .toFile(join(folder, `${String(i).padStart(3, '0')}.png`));
    }
  }
}
