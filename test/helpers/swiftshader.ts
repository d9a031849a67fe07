/**
 * WebGPU without a GPU: the SwiftShader Vulkan driver from Debian's chromium package (with
 * libvulkan1), as docs/toolchain-notes.md describes. Set before the first WebGPU session is created.
 */
export const SWIFTSHADER_ENV = { VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json', XDG_RUNTIME_DIR: '/tmp' };

export function useSwiftShader(): void {
  for (const [key, value] of Object.entries(SWIFTSHADER_ENV)) process.env[key] ??= value;
}
