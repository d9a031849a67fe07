/**
 * Step 2 of `mlpx setup tensorflow` without --from: TensorFlow pip-installed into a private venv
 * in the build folder (python-environment.ts): tensorflow-cpu, or with --gpu tensorflow[and-cuda],
 * whose CUDA and cuDNN come as PyPI's nvidia wheels and are checked to be where TensorFlow looks.
 */
import { join } from 'node:path';
import { MlpxError } from '@mlpx/core';
import { describeCudaWheels, findCudaWheels } from '@mlpx/train/tooling';
import { createVenv, findPython, locateTensorflow, pipInstall, venvPython } from './python-environment.js';
import type { SetupProgress, SetupStep } from './setup-progress.js';
import { describeTensorflowDir, type TensorflowLibrary } from './tensorflow-library.js';
import { DEFAULT_TENSORFLOW_VERSION } from './tensorflow-versions.js';

/** The wheels TensorFlow's GPU kernels cannot run without (the others add NCCL, profiling, TensorRT). */
export const REQUIRED_CUDA_WHEELS = ['cublas', 'cuda_runtime', 'cudnn', 'cufft', 'cusolver', 'cusparse'] as const;

/** The TensorFlow an engine is built against: its libraries, the Python of its environment, and its pip distribution. */
export interface ChosenTensorflow {
  readonly library: TensorflowLibrary;
  readonly python: string | undefined;
  readonly distribution: string;
}

export interface PypiRequest {
  readonly gpu?: boolean;
  readonly tensorflowVersion?: string;
  readonly python?: string;
}

/** pip's output, in the engine's build folder. */
export const PIP_LOG = 'pip-install.log';

/** The pip requirement a request installs. */
export function tensorflowRequirement(gpu: boolean, version: string): string {
  if (gpu) return `tensorflow[and-cuda]==${version}`;
  // PyPI has tensorflow-cpu for Linux only; elsewhere `tensorflow` is the CPU build.
  return `${process.platform === 'linux' ? 'tensorflow-cpu' : 'tensorflow'}==${version}`;
}

export async function tensorflowFromPypi(build: string, request: PypiRequest, step: SetupStep, progress: SetupProgress | undefined): Promise<ChosenTensorflow> {
  const requirement = tensorflowRequirement(request.gpu === true, request.tensorflowVersion ?? DEFAULT_TENSORFLOW_VERSION);
  const venv = join(build, 'venv');
  const python = venvPython(venv);
  let distribution = 'tensorflow';
  const library = await step(
    `Installing ${requirement} into ${venv} (pip; a few hundred MB${request.gpu ? ', and several GB of CUDA wheels' : ''})`,
    async () => {
      await createVenv(await findPython(request.python), venv);
      // pip's hundred lines go to a log beside the venv; the step's line shows what pip is doing.
      await pipInstall(venv, requirement, { log: join(build, PIP_LOG), ...(progress?.status ? { status: progress.status.bind(progress) } : {}) });
      const located = await locateTensorflow(python);
      if (!located) throw new MlpxError(`pip installed ${requirement}, yet ${python} finds no tensorflow package`);
      distribution = located.distribution;
      return describeTensorflowDir(located.dir);
    },
  );
  if (request.gpu) await checkCudaWheels(library);
  return { library, python, distribution };
}

/** --gpu: a CUDA build, and every CUDA wheel it cannot run without where it will look. */
async function checkCudaWheels(library: TensorflowLibrary): Promise<void> {
  if (!library.cudaBuild) throw new MlpxError(`--gpu: ${library.dir} is not a CUDA build of TensorFlow`);
  const wheels = await findCudaWheels(library.dir);
  const absent = REQUIRED_CUDA_WHEELS.filter((wheel) => !wheels.found.includes(wheel));
  if (absent.length > 0) {
    throw new MlpxError(
      `--gpu: TensorFlow ${library.version} will not find CUDA's ${absent.join(', ')} (${describeCudaWheels(wheels)}); pip did not install them`,
    );
  }
}
