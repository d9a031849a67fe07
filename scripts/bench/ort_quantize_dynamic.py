"""The peer of `mlpx export --precision int8` (BENCHMARKS.md, "int8"): ONNX Runtime's own dynamic
quantization of the same fp32 export, onnxruntime.quantization.quantize_dynamic with its defaults
(int8 weights, one scale per tensor, activations quantized at run time).

Benchmark tooling only (not part of mlpx). Debian has no python3-onnxruntime; a venv does:

    python3 -m venv /tmp/ort-quantize && /tmp/ort-quantize/bin/pip install onnxruntime==1.30.0 onnx
    /tmp/ort-quantize/bin/python scripts/bench/ort_quantize_dynamic.py model.onnx model-ort-int8.onnx

scripts/bench/precision.mjs runs it for each model (--python names the venv's python).
"""
import sys

from onnxruntime.quantization import QuantType, quantize_dynamic

if len(sys.argv) != 3:
    sys.exit("usage: ort_quantize_dynamic.py <fp32.onnx> <int8.onnx>")
quantize_dynamic(sys.argv[1], sys.argv[2], weight_type=QuantType.QInt8)
