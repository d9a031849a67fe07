/**
 * WebGPU in Node: the `webgpu` npm package (Dawn's Node bindings, an optional dependency) gives
 * Node a navigator.gpu on Vulkan (Linux), Metal (macOS) or D3D12 (Windows). This file installs it
 * and asks for an adapter, describing it and whether it is a software one (SwiftShader, llvmpipe /
 * lavapipe): those run WebGPU on the CPU, correct but slow.
 */
import { createRequire } from 'node:module';
import { runJsonChild } from '../../process/json-child-process.js';

export interface WebgpuAdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** A CPU implementation rather than a GPU. */
  readonly software: boolean;
}

const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|software|microsoft basic render/i;

interface NodeGpu {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapter | null>;
}
interface GpuAdapter {
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  readonly isFallbackAdapter?: boolean;
}

export function describeAdapter(info: WebgpuAdapterInfo): string {
  const name = [info.description, info.device, info.vendor, info.architecture].filter(Boolean).join(', ') || 'unnamed adapter';
  return `${name}${info.software ? ' (a software adapter: WebGPU on the CPU)' : ''}`;
}

/** Installs navigator.gpu from the `webgpu` package (once) and returns it. */
async function nodeGpu(): Promise<NodeGpu> {
  const existing = (globalThis as { navigator?: { gpu?: NodeGpu } }).navigator?.gpu;
  if (existing) return existing;
  let webgpu: { create(options: string[]): NodeGpu; globals: Record<string, unknown> };
  try {
    webgpu = (await import('webgpu')) as unknown as typeof webgpu;
  } catch (error) {
    throw new Error(`the optional package webgpu (Dawn for Node) is not installed or cannot load: ${(error as Error).message.split('\n')[0]}`);
  }
  Object.assign(globalThis, webgpu.globals);
  const gpu = webgpu.create([]);
  const holder = globalThis as { navigator?: object };
  if (!holder.navigator) holder.navigator = {};
  Object.defineProperty(holder.navigator, 'gpu', { value: gpu, configurable: true });
  return gpu;
}

/** The adapter tfjs's WebGPU backend will get (it asks for high performance too). */
export async function probeWebgpuAdapter(): Promise<WebgpuAdapterInfo> {
  const gpu = await nodeGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new Error(
      "no WebGPU adapter: Dawn found no usable Vulkan driver (install libvulkan1 and your GPU's Vulkan driver: on Debian and Ubuntu " +
        "`sudo apt-get install libvulkan1 mesa-vulkan-drivers` for AMD and Intel GPUs, NVIDIA's own driver for NVIDIA's; " +
        'https://github.com/mlpx/mlpx/blob/main/docs/gpus.md#webgpu)',
    );
  }
  const info = adapter.info ?? {};
  const described = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
  };
  const software = info.isFallbackAdapter === true || adapter.isFallbackAdapter === true || SOFTWARE_ADAPTER.test(Object.values(described).join(' '));
  return { ...described, software };
}

/**
 * The same probe in a child process, for what only describes the adapter (mlpx doctor): Dawn's
 * own warnings stay in the child, and where there is no adapter the message ends with Dawn's
 * first warning, e.g. "; Dawn: vkCreateInstance: Found no drivers!".
 */
export async function probeWebgpuAdapterInChild(): Promise<WebgpuAdapterInfo> {
  const script = createRequire(import.meta.url).resolve('@mlpx/train/webgpu-probe');
  const { value, stderr } = await runJsonChild(process.execPath, [script], { label: 'the WebGPU probe (a child process)' });
  const report = value as { adapter?: WebgpuAdapterInfo; error?: string };
  if (report.adapter) return report.adapter;
  const dawn = /^Warning: (.+)$/m.exec(stderr)?.[1];
  throw new Error(`${report.error ?? 'no report'}${dawn ? `; Dawn: ${dawn}` : ''}`);
}
