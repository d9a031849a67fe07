#!/usr/bin/env node
/**
 * `npm test` runs this first (the `pretest` script): the system packages the suite needs, checked
 * before anything is built or run, so that a newcomer on a fresh machine gets the list of what is
 * missing and the one command that installs it, instead of failures deep in the suite.
 * The checks are the things the tests themselves use:
 *   chromium     /usr/bin/chromium (test/helpers/chromium.ts) and its SwiftShader Vulkan driver
 *                (test/helpers/swiftshader.ts), for the WebGPU and web tests;
 *   libvulkan1   the Vulkan loader, libvulkan.so.1, which Dawn (the `webgpu` package) opens;
 *   python3-onnx `/usr/bin/python3 -c 'import onnx'` (test/helpers/onnx-checker.ts runs the system
 *                Python, not one a version manager puts first on PATH), the ONNX checker the
 *                export tests run every model through.
 * The package names are Debian's (and Ubuntu's); .ci/run installs the same list.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const LIBRARY_DIRS = [
  '/lib/x86_64-linux-gnu',
  '/usr/lib/x86_64-linux-gnu',
  '/lib/aarch64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/lib',
];

function succeeds(command, args) {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** libvulkan.so.1 as the dynamic linker finds it: ldconfig's cache, else the usual folders. */
function hasVulkanLoader() {
  for (const ldconfig of ['ldconfig', '/sbin/ldconfig']) {
    try {
      return execFileSync(ldconfig, ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('libvulkan.so.1 ');
    } catch {
      // not on PATH (it lives in /sbin): try the next, then the folders
    }
  }
  return LIBRARY_DIRS.some((dir) => existsSync(`${dir}/libvulkan.so.1`));
}

const REQUIREMENTS = [
  {
    pkg: 'chromium',
    what: '/usr/bin/chromium and its SwiftShader Vulkan driver',
    present: () => existsSync('/usr/bin/chromium') && existsSync(SWIFTSHADER_ICD),
  },
  { pkg: 'libvulkan1', what: 'the Vulkan loader (libvulkan.so.1)', present: hasVulkanLoader },
  {
    pkg: 'python3-onnx',
    what: "the system Python's onnx module (/usr/bin/python3 -c 'import onnx')",
    present: () => succeeds('/usr/bin/python3', ['-c', 'import onnx']),
  },
];

const missing = REQUIREMENTS.filter((requirement) => !requirement.present());
if (missing.length > 0) {
  console.error('npm test: the tests need system packages this machine lacks; nothing was run.');
  for (const { pkg, what } of missing) console.error(`  ${pkg}: ${what}`);
  console.error('Install them all with (Debian or Ubuntu):');
  console.error(`  sudo apt-get install -y ${missing.map(({ pkg }) => pkg).join(' ')}`);
  process.exit(1);
}
