/**
 * Whether asking Dawn for a WebGPU adapter can find anything, decided without asking it: on a
 * Linux machine with the Vulkan loader but no GPU, Dawn's probe prints native warnings to stderr
 * (`Warning: vkCreateInstance failed with VK_ERROR_INCOMPATIBLE_DRIVER`, then a line starting
 * `    at CheckVkSuccessImpl`) that no JavaScript can silence. A GPU a Vulkan driver can drive shows
 * up as a device node (/dev/dri/renderD* for Mesa's and AMD's and Intel's drivers, /dev/nvidia*
 * for NVIDIA's); a software driver (SwiftShader, lavapipe) has none, so one the user named in
 * VK_ICD_FILENAMES or VK_DRIVER_FILES counts too. Other systems (Metal, D3D12) are always probed.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface GpuDeviceEnvironment {
  readonly platform: NodeJS.Platform;
  readonly env: NodeJS.ProcessEnv;
  /** Where device nodes live; tests point it at a folder of their own. */
  readonly devDir: string;
}

const DEFAULT_ENVIRONMENT: GpuDeviceEnvironment = { platform: process.platform, env: process.env, devDir: '/dev' };

/** Why probing for a WebGPU adapter would find nothing here, or undefined when it may find one. */
export function noWebgpuDeviceReason(environment: Partial<GpuDeviceEnvironment> = {}): string | undefined {
  const { platform, env, devDir } = { ...DEFAULT_ENVIRONMENT, ...environment };
  if (platform !== 'linux') return undefined;
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES) return undefined;
  const hasNode = (folder: string, prefix: string): boolean => entries(folder).some((name) => name.startsWith(prefix));
  if (hasNode(join(devDir, 'dri'), 'renderD') || hasNode(devDir, 'nvidia')) return undefined;
  return `not probed: no GPU device node (${devDir}/dri/renderD*, ${devDir}/nvidia*) and no Vulkan driver named in VK_ICD_FILENAMES or VK_DRIVER_FILES (--backend webgpu probes anyway)`;
}

function entries(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return []; // a missing /dev/dri is the common case on a machine without a GPU
  }
}
