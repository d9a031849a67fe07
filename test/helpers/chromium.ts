/**
 * Headless Chromium from Debian (/usr/bin/chromium) driven by playwright-core, with the flags that
 * give it a WebGPU adapter on SwiftShader (docs/toolchain-notes.md), or without WebGPU.
 */
import { chromium, type Browser } from 'playwright-core';

const COMMON = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const WEBGPU = ['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan'];

export function launchChromium(options: { webgpu: boolean }): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...COMMON, ...(options.webgpu ? WEBGPU : ['--disable-gpu'])],
  });
}
