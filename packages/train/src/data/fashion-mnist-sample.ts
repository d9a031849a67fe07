/**
 * The Fashion-MNIST sample shipped with @mlpx/train (packages/train/data/fashion-mnist-sample,
 * built by scripts/make-fashion-mnist-sample.mjs): the first 10,000 training and 2,000 test
 * images of the published files, so the quick start and the tests run on a machine with neither
 * the network nor Debian's dataset-fashion-mnist. Zalando SE's MIT licence travels with it.
 */
import { fileURLToPath } from 'node:url';

/** The spec that asks for the sample by name. */
export const FASHION_MNIST_SAMPLE = 'fashion-mnist-sample';

/** src/data and dist/data are both two levels below the package root, beside data/. */
export const FASHION_MNIST_SAMPLE_DIR = fileURLToPath(new URL('../../data/fashion-mnist-sample', import.meta.url));

export const FASHION_MNIST_SAMPLE_COUNTS = { train: 10_000, test: 2_000 } as const;

/** How the sample describes itself in "using ..." lines. */
export function describeSample(dir: string): string {
  return `${dir} (the shipped sample: the first ${FASHION_MNIST_SAMPLE_COUNTS.train.toLocaleString('en-US')} training and ${FASHION_MNIST_SAMPLE_COUNTS.test.toLocaleString('en-US')} test images)`;
}
