#!/usr/bin/env bash
# Builds Triton Inference Server's ONNX Runtime backend (libtriton_onnxruntime.so, CPU only) for the
# tritonserver 2.51.0 (Triton r24.10) that PyPI's nvidia-pytriton 0.7.0 ships with only the python
# backend, so that the tests load an exported model repository in the backend production Triton uses.
# test/helpers/triton.ts runs it once per cache; it needs no network.
#
#   build-onnxruntime-backend.sh SOURCES LIBONNXRUNTIME TRITONSERVER_SONAME OUT
#     SOURCES              a folder with triton-sources-r24.10.tar.gz (Triton's backend, common, core and
#                          onnxruntime_backend repositories at tag r24.10, each a top-level folder) and
#                          onnxruntime_c_api.h (onnxruntime 1.19's C API header: the backend then asks
#                          the library for ORT_API_VERSION 19, which any newer onnxruntime provides)
#     LIBONNXRUNTIME       the onnxruntime shared library the backend runs on (onnxruntime-node's
#                          bin/napi-v6/linux/x64/libonnxruntime.so.1 has C API 19 and newer)
#     TRITONSERVER_SONAME  the file name of the server library the tritonserver in use loads
#                          (nvidia-pytriton's wheel renames libtritonserver.so, e.g. libtritonserver-<hash>.so)
#     OUT                  gets backends/onnxruntime/{libtriton_onnxruntime.so,libonnxruntime.so.1}
#
# Debian packages: cmake g++ make rapidjson-dev googletest patchelf.
set -euo pipefail

sources=$(readlink -f "${1:?SOURCES folder}")
onnxruntime=$(readlink -f "${2:?LIBONNXRUNTIME path}")
server_soname=${3:?TRITONSERVER_SONAME}
out=$(readlink -m "${4:?OUT folder}")

tarball="$sources/triton-sources-r24.10.tar.gz"
header="$sources/onnxruntime_c_api.h"
for file in "$tarball" "$header" "$onnxruntime"; do
  [ -f "$file" ] || { echo "build-onnxruntime-backend: no $file" >&2; exit 2; }
done
missing=()
for tool in cmake g++ make patchelf; do command -v "$tool" >/dev/null || missing+=("$tool"); done
# rapidjson: Triton's common library parses model configurations with it (find_package(RapidJSON)).
[ -f /usr/include/rapidjson/document.h ] || missing+=(rapidjson-dev)
# googletest: common's CMakeLists always adds its test folder, which fetches googletest; offline, the
# Debian source package stands in for the download.
[ -f /usr/src/googletest/CMakeLists.txt ] || missing+=(googletest)
if [ ${#missing[@]} -gt 0 ]; then
  echo "build-onnxruntime-backend: missing ${missing[*]} (sudo apt-get install -y cmake g++ make rapidjson-dev googletest patchelf)" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mlpx-triton-backend.XXXXXX")
trap 'rm -rf "$work"' EXIT
tar -xzf "$tarball" -C "$work"
for repo in backend common core onnxruntime_backend; do
  [ -f "$work/$repo/CMakeLists.txt" ] || { echo "build-onnxruntime-backend: $tarball has no $repo/CMakeLists.txt" >&2; exit 2; }
done

# The backend's CMakeLists finds onnxruntime by folders: an include folder with the header and a lib
# folder with libonnxruntime.so (a link to the library given; the built backend's NEEDED entry is then
# the library's own soname, libonnxruntime.so.1, found beside it through its $ORIGIN rpath).
mkdir -p "$work/onnxruntime/include" "$work/onnxruntime/lib" "$work/build"
cp "$header" "$work/onnxruntime/include/"
ln -s "$onnxruntime" "$work/onnxruntime/lib/libonnxruntime.so"

# CPU only; Triton's three repositories from the unpacked sources instead of git (FetchContent's
# source folders, fully disconnected), googletest from Debian's package.
if ! (cd "$work/build" && cmake "$work/onnxruntime_backend" \
  -DCMAKE_BUILD_TYPE=Release \
  -DTRITON_ENABLE_GPU=OFF \
  -DTRITON_ONNXRUNTIME_INCLUDE_PATHS="$work/onnxruntime/include" \
  -DTRITON_ONNXRUNTIME_LIB_PATHS="$work/onnxruntime/lib" \
  -DFETCHCONTENT_FULLY_DISCONNECTED=ON \
  -DFETCHCONTENT_SOURCE_DIR_REPO-COMMON="$work/common" \
  -DFETCHCONTENT_SOURCE_DIR_REPO-CORE="$work/core" \
  -DFETCHCONTENT_SOURCE_DIR_REPO-BACKEND="$work/backend" \
  -DFETCHCONTENT_SOURCE_DIR_GOOGLETEST=/usr/src/googletest >"$work/cmake.log" 2>&1); then
  echo "build-onnxruntime-backend: cmake failed; the end of its output:" >&2
  tail -n 25 "$work/cmake.log" >&2
  exit 1
fi
# Only the backend's target (and the libraries it links), not the test programs.
if ! make -C "$work/build" -j"$(nproc)" triton-onnxruntime-backend >"$work/make.log" 2>&1; then
  echo "build-onnxruntime-backend: make failed; the end of its output:" >&2
  tail -n 25 "$work/make.log" >&2
  exit 1
fi

library="$work/build/libtriton_onnxruntime.so"
[ -f "$library" ] || library=$(find "$work/build" -name libtriton_onnxruntime.so -print -quit)
[ -n "$library" ] && [ -f "$library" ] || { echo "build-onnxruntime-backend: make built no libtriton_onnxruntime.so" >&2; exit 1; }
# The backend links core's stub libtritonserver.so; at run time it must name the library the server
# really loaded, or the dynamic linker finds none (or a second copy).
patchelf --replace-needed libtritonserver.so "$server_soname" "$library"

mkdir -p "$out/backends/onnxruntime"
cp "$library" "$out/backends/onnxruntime/libtriton_onnxruntime.so"
cp "$onnxruntime" "$out/backends/onnxruntime/libonnxruntime.so.1"
echo "built $out/backends/onnxruntime/libtriton_onnxruntime.so"
