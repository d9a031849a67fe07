/**
 * Loads a shared library into this process the way mlpx needs CUDA's to be: globally (so the
 * provider's NEEDED entries resolve to it by SONAME), all symbols bound now, never unloaded.
 *
 * Node has no plain dlopen; process.dlopen is the addon loader. For a library that is not a Node
 * addon it dlopen()s it successfully, finds no module registration, dlclose()s it and throws
 * "Module did not self-register". RTLD_NODELETE (0x1000 in glibc, absent from
 * os.constants.dlopen) keeps the library loaded through that dlclose; the "did not
 * self-register" error then means success. Any other error ("cannot open shared object file",
 * "undefined symbol") is dlopen's own: a real failure, reported with dlerror's text.
 */
import { constants } from 'node:os';

const RTLD_NODELETE = 0x1000;
export const LOAD_FLAGS = constants.dlopen.RTLD_NOW! | constants.dlopen.RTLD_GLOBAL! | RTLD_NODELETE;

export type LoadResult = { ok: true } | { ok: false; message: string };

/** `library`: an absolute path, or a bare name the loader searches for (libcuda.so.1). */
export function loadLibrary(library: string, options: { global?: boolean } = {}): LoadResult {
  const flags = options.global === false ? LOAD_FLAGS & ~constants.dlopen.RTLD_GLOBAL! : LOAD_FLAGS;
  try {
    process.dlopen({ exports: {} } as NodeJS.Module, library, flags);
    return { ok: true }; // a real addon: loaded too
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/Module did not self-register/.test(message)) return { ok: true };
    return { ok: false, message: message.split('\n')[0]!.trim() };
  }
}

/** The library a dlopen message says is missing ("libcuda.so.1: cannot open shared object file"). */
export function missingLibrary(message: string): string | undefined {
  return /([^\s:/]+\.so[^\s:]*): cannot open shared object file/.exec(message)?.[1];
}
