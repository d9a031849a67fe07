/**
 * A second, small addon compiled beside tfjs-node's (its own target in binding.gyp, with no
 * TensorFlow in it): captureStderr(path) points file descriptor 2 at a file and returns the old
 * one; restoreStderr(saved) puts it back. Loading TensorFlow 2.16 and later prints Abseil's
 * "before InitializeLog" warning and, on the CPU, oneDNN's INFO line while its libraries
 * initialise, before any code of tfjs-node's addon can run and whatever TF_CPP_MIN_LOG_LEVEL
 * says; @mlpx/train's load-tensorflow.ts captures that moment and passes on what
 * TF_CPP_MIN_LOG_LEVEL lets through (startup-log-filter.ts).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const STDERR_CAPTURE_SOURCE = 'binding/mlpx_stderr.cc';
export const STDERR_CAPTURE_TARGET = 'mlpx_stderr';

const SOURCE = `// Written by mlpx setup tensorflow (stderr-capture-source.ts).
#include <fcntl.h>
#include <node_api.h>
#include <stdio.h>
#include <unistd.h>

static napi_value CaptureStderr(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char path[4096];
  size_t length = 0;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 1 ||
      napi_get_value_string_utf8(env, argv[0], path, sizeof path, &length) != napi_ok) {
    napi_throw_type_error(env, nullptr, "captureStderr(path: string)");
    return nullptr;
  }
  const int file = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (file < 0) {
    napi_throw_error(env, nullptr, "captureStderr: cannot open the capture file");
    return nullptr;
  }
  fflush(stderr);
  const int saved = fcntl(2, F_DUPFD_CLOEXEC, 3);
  if (saved < 0 || dup2(file, 2) < 0) {
    if (saved >= 0) close(saved);
    close(file);
    napi_throw_error(env, nullptr, "captureStderr: cannot redirect file descriptor 2");
    return nullptr;
  }
  close(file);
  napi_value result;
  napi_create_int32(env, saved, &result);
  return result;
}

static napi_value RestoreStderr(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t saved = -1;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 1 ||
      napi_get_value_int32(env, argv[0], &saved) != napi_ok || saved < 0) {
    napi_throw_type_error(env, nullptr, "restoreStderr(saved: number)");
    return nullptr;
  }
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  return nullptr;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor properties[] = {
      {"captureStderr", nullptr, CaptureStderr, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"restoreStderr", nullptr, RestoreStderr, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, 2, properties);
  return exports;
}
`;

/** Writes the source into the tfjs-node package and adds its target to binding.gyp (once). */
export async function addStderrCaptureTarget(packageDir: string): Promise<void> {
  await writeFile(join(packageDir, STDERR_CAPTURE_SOURCE), SOURCE);
  const gypFile = join(packageDir, 'binding.gyp');
  const gyp = await readFile(gypFile, 'utf8');
  if (gyp.includes(STDERR_CAPTURE_SOURCE)) return;
  const anchor = /'targets'\s*:\s*\[/;
  if (!anchor.test(gyp)) throw new Error(`${gypFile} has no 'targets' list`);
  await writeFile(
    gypFile,
    gyp.replace(anchor, (targets) => `${targets}{ 'target_name': '${STDERR_CAPTURE_TARGET}', 'sources': ['${STDERR_CAPTURE_SOURCE}'] },`),
  );
}
