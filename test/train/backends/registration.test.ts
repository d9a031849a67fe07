/**
 * Importing @mlpx/train changes nothing in tfjs's kernel and gradient registries: the backends'
 * forms of mlpx's ops (backends/<name>/register.ts) are registered when a backend is selected,
 * once, and building a model registers nothing (it loads no backend). Each case runs in a fresh Node process on the built package (as a
 * consumer imports it; `npm test` builds first), so that nothing this test runner loaded counts.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/run-cli.js';

/** What the child reports: kernels as backend/kernel, gradients by kernel name. */
interface Registries {
  readonly kernels: string[];
  readonly gradientsChanged: string[];
}

interface ChildReport {
  readonly kernelsBefore: string[];
  readonly afterImport: Registries;
  readonly afterFirst: Registries;
  readonly afterSecond: Registries;
}

/**
 * A child that snapshots the registries, imports @mlpx/train and @mlpx/train/tooling, then runs
 * `action` twice, reporting each time what changed against the snapshot before the import.
 */
function childScript(action: string): string {
  return `
    import * as tf from '@tensorflow/tfjs';
    const BACKENDS = ['cpu', 'wasm', 'webgpu', 'tensorflow'];
    const kernels = () => BACKENDS.flatMap((b) => tf.getKernelsForBackend(b).map((k) => b + '/' + k.kernelName)).sort();
    // Every kernel the cpu backend has (nearly all of tfjs's), and Mean, with its registered gradient.
    const names = [...new Set([...tf.getKernelsForBackend('cpu').map((k) => k.kernelName), 'Mean'])];
    const gradients = () => names.map((name) => tf.getGradient(name));
    const before = { kernels: kernels(), gradients: gradients() };
    const changes = () => {
      const now = gradients();
      return { kernels: kernels(), gradientsChanged: names.filter((name, i) => now[i] !== before.gradients[i]) };
    };
    const train = await import('@mlpx/train');
    await import('@mlpx/train/tooling');
    const afterImport = changes();
    const act = async () => { ${action} };
    await act();
    const afterFirst = changes();
    await act();
    const afterSecond = changes();
    process.stdout.write(JSON.stringify({ afterImport, afterFirst, afterSecond, kernelsBefore: before.kernels }));
  `;
}

function runChild(action: string): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', childScript(action)], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`the child failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as ChildReport);
    });
  });
}

describe('registering the backends’ forms', () => {
  it('runs on the built package', () => {
    // A build from before the registration moved out of the import would not test it.
    expect(existsSync(join(REPO_ROOT, 'packages', 'train', 'dist', 'backends', 'register-forms.js')), 'run `npx tsc -b` first').toBe(true);
  });

  it('does not happen on import; selectBackend does it, once', async () => {
    const report = await runChild("await train.selectBackend('cpu');");
    expect(report.afterImport.kernels).toEqual(report.kernelsBefore);
    expect(report.afterImport.gradientsChanged).toEqual([]);
    // Mean's gradient (layers/ops/mean-gradient.ts) and the kernel of mlpx's WebGPU shaders.
    expect(report.afterFirst.gradientsChanged).toEqual(['Mean']);
    expect(report.afterFirst.kernels.filter((k) => !report.kernelsBefore.includes(k))).toEqual(['webgpu/MlpxFlatProgram']);
    expect(report.afterSecond).toEqual(report.afterFirst);
  }, 60_000);

  it('does not happen when a model is built', async () => {
    const report = await runChild(`
      const config = { model: 'mixer', inputHeight: 8, inputWidth: 8, inputChannels: 1, numClasses: 3, imageSize: 8, patchSize: 4, embeddingDim: 8, blocks: 1, dropout: 0, gelu: 'exact' };
      train.buildClassifier(config, { mean: Float32Array.of(0), variance: Float32Array.of(1) }).dispose();
    `);
    expect(report.afterImport.kernels).toEqual(report.kernelsBefore);
    expect(report.afterImport.gradientsChanged).toEqual([]);
    expect(report.afterFirst.kernels).toEqual(report.kernelsBefore);
    expect(report.afterFirst.gradientsChanged).toEqual([]);
    expect(report.afterSecond).toEqual(report.afterFirst);
  }, 60_000);
});
