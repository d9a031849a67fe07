/**
 * Tests of the native TensorFlow backend need the engine `mlpx setup tensorflow` builds. CI sets
 * it up and sets MLPX_REQUIRE_TENSORFLOW=1: there they always run, and fail if it does not load.
 * Elsewhere they run when it is set up, and are skipped (saying why) when it is not.
 */
import { describe } from 'vitest';
import { readTensorflowInstall } from '@mlpx/train/src/backends/tensorflow/tensorflow-install.js';

export const TENSORFLOW_REQUIRED = process.env.MLPX_REQUIRE_TENSORFLOW === '1';

/** The engine's manifest, read once per test file; undefined when not set up. */
export const tensorflowInstall = await readTensorflowInstall();

/** `describe` for tests that need the engine; `describe.skip` when it is absent and not required. */
export const describeWithTensorflow: typeof describe = TENSORFLOW_REQUIRED || tensorflowInstall ? describe : (describe.skip as typeof describe);

if (!TENSORFLOW_REQUIRED && !tensorflowInstall) {
  process.stderr.write('tests of the tensorflow backend skipped: run `npx mlpx setup tensorflow` to include them\n');
}
