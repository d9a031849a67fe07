import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { noWebgpuDeviceReason } from '@mlpx/train/src/backends/webgpu/gpu-devices.js';
import { tempDir } from '../../helpers/dataset-fixtures.js';

let dev: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  dev = await tempDir();
});
afterEach(async () => {
  await dev.remove();
});

const linux = (env: NodeJS.ProcessEnv = {}) => noWebgpuDeviceReason({ platform: 'linux', env, devDir: dev.path });

describe('noWebgpuDeviceReason: whether auto asks Dawn for an adapter', () => {
  it('gives a reason on Linux with no GPU device node and no driver named by the user', () => {
    expect(linux()).toMatch(
      /^not probed: no GPU device node \(.*\/dri\/renderD\*, .*\/nvidia\*\) and no Vulkan driver named in VK_ICD_FILENAMES or VK_DRIVER_FILES/,
    );
  });

  it('probes where a render node or an NVIDIA device exists', async () => {
    await mkdir(join(dev.path, 'dri'));
    await writeFile(join(dev.path, 'dri', 'card0'), '');
    expect(linux()).toBeDefined(); // a display node alone is not one Vulkan renders on
    await writeFile(join(dev.path, 'dri', 'renderD128'), '');
    expect(linux()).toBeUndefined();
    await dev.remove();
    await mkdir(dev.path);
    await writeFile(join(dev.path, 'nvidia0'), '');
    expect(linux()).toBeUndefined();
  });

  it('probes where the user named a Vulkan driver (SwiftShader, lavapipe), and off Linux', () => {
    expect(linux({ VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json' })).toBeUndefined();
    expect(linux({ VK_DRIVER_FILES: '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json' })).toBeUndefined();
    expect(noWebgpuDeviceReason({ platform: 'darwin', env: {}, devDir: dev.path })).toBeUndefined();
  });
});
