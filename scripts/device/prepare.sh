#!/usr/bin/env bash
# Assembles .device/ (git-ignored) for a GPU machine that has no Node: a compressed Node binary,
# the built @mlpx/train with only the packages it loads (tfjs node builds, the wasm backend's
# .wasm files, the webgpu package with Dawn for linux-x64), and gpu-bench.mjs. Run after
# `npm run build`. On the device (see BENCHMARKS.md for the whole command):
#   python3 -c "import lzma,shutil,tarfile; shutil.copyfileobj(lzma.open('.device/node.xz'), open('/tmp/node','wb')); tarfile.open('.device/mlpx.tar.xz').extractall('.device')"
#   /tmp/node .device/gpu-bench.mjs
set -euo pipefail
cd "$(dirname "$0")/../.."
rm -rf .device && mkdir -p .device/mlpx/packages/train .device/mlpx/node_modules/@tensorflow
cp -r packages/train/dist packages/train/package.json .device/mlpx/packages/train/
for p in tfjs tfjs-core tfjs-layers tfjs-converter tfjs-data tfjs-backend-cpu tfjs-backend-webgl tfjs-backend-wasm tfjs-backend-webgpu; do
  main=$(node -p "require('./node_modules/@tensorflow/$p/package.json').main")
  mkdir -p ".device/mlpx/node_modules/@tensorflow/$p/$(dirname "$main")"
  cp "node_modules/@tensorflow/$p/package.json" ".device/mlpx/node_modules/@tensorflow/$p/"
  cp "node_modules/@tensorflow/$p/$main" ".device/mlpx/node_modules/@tensorflow/$p/$main"
done
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm .device/mlpx/node_modules/@tensorflow/tfjs-backend-wasm/dist/
for p in seedrandom long node-fetch whatwg-url tr46 webidl-conversions; do cp -r "node_modules/$p" .device/mlpx/node_modules/; done
mkdir -p .device/mlpx/node_modules/webgpu/dist/linux-x64
cp node_modules/webgpu/index.js node_modules/webgpu/package.json .device/mlpx/node_modules/webgpu/
cp node_modules/webgpu/dist/linux-x64/dawn.node .device/mlpx/node_modules/webgpu/dist/linux-x64/
cp scripts/device/gpu-bench.mjs .device/
(cd .device && tar -cJf mlpx.tar.xz mlpx && rm -rf mlpx)
xz -6 -T2 -c "$(command -v node)" > .device/node.xz
du -sh .device
