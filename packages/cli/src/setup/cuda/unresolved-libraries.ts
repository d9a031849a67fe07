/**
 * The libraries an install needs that nothing provides: NEEDED by one of its libraries, in none of
 * its wheels, not the system's own (glibc's, the C++ runtime's, the driver's libcuda), and not
 * loadable from the system either (libz.so.1 usually is). setup names them; the system must.
 */
import { loadLibrary, type CudaInstall } from '@mlpx/infer/tooling';
import { unresolvedNeeds } from './library-order.js';

/** Libraries the system provides: glibc's, the C++ runtime, and the driver's libcuda. */
const SYSTEM_LIBRARY = /^(libc|libm|libdl|librt|libpthread|libgcc_s|libstdc\+\+|ld-linux-x86-64|libutil)\.so|^libcuda\.so\.1$|^libonnxruntime/;

export function unresolvedLibraries(install: CudaInstall): string[] {
  return unresolvedNeeds(install.libraries, SYSTEM_LIBRARY).filter((name) => !loadLibrary(name).ok);
}
