#!/usr/bin/env node
// The int8 forms a dense layer could take, timed against its float32 MatMul on onnxruntime-node's
// CPU provider (BENCHMARKS.md, "int8: which form for which layer"): one layer per graph,
// [batch x rows, K] x [K, N] + bias, interleaved rounds, median and best ms per run.
//
//   right (the kernel on the right: patch embedding, feed-forward and channel layers, the head):
//     fp32          MatMul + Add
//     dynamic       DynamicQuantizeMatMul (com.microsoft): the input's range measured per batch
//     static        QuantizeLinear (calibrated scale, uint8) + MatMulIntegerToFloat (com.microsoft)
//     qdq           QuantizeLinear + DequantizeLinear, DequantizeLinear of the int8 kernel, MatMul:
//                   the standard-ONNX form, which onnxruntime fuses
//   left (the kernel on the left: MLP-Mixer's token mixing, gMLP's spatial projection):
//     fp32          MatMul + Add
//     static        QuantizeLinear + MatMulInteger + Cast + Mul + Add (MatMulIntegerToFloat has no
//                   kernel for an int8 left operand)
//
// Run `npm run build` first. Shapes default to the seed configuration's layers at batch 128.
//
//   node scripts/bench/int8-layer-forms.mjs
import * as ort from 'onnxruntime-node';
import { encodeModel } from '@mlpx/core';
import { GraphBuilder, MICROSOFT_DOMAIN } from '../../packages/export/dist/onnx/graph-builder.js';
import { attr } from '../../packages/export/dist/onnx/attributes.js';
import { activationQuantization, quantizePerColumn } from '../../packages/export/dist/precision/int8-dense.js';

const ROUNDS = Number(process.env.ROUNDS ?? 11);
const BATCH = Number(process.env.BATCH ?? 128);

function random(n, scale, seed) {
  let a = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  });
}

function model(build, inputDims) {
  const graph = new GraphBuilder(17);
  graph.renameValue(build(graph, 'x'), 'y');
  const proto = graph.toGraphProto({ name: 'layer', doc: '', inputs: [{ name: 'x', dims: inputDims }], outputs: [{ name: 'y' }] });
  return encodeModel({
    ir_version: 8,
    opset_import: [
      { domain: '', version: 17 },
      { domain: MICROSOFT_DOMAIN, version: 1 },
    ],
    producer_name: 'bench',
    graph: proto,
  });
}

function rightForms(k, n) {
  const kernel = random(k * n, 0.06, 1);
  const bias = random(n, 0.1, 2);
  const q = quantizePerColumn(kernel, k, n);
  const a = activationQuantization(-4, 4);
  const int8 = (g) => g.int8Constant('w_int8', q.values, [k, n]);
  const scales = (g) => g.floatConstant('w_scales', q.scales, [n]);
  const b = (g) => g.floatConstant('b', bias, [n]);
  const xs = (g) => g.floatConstant('x_scale', Float32Array.of(a.scale), []);
  const xz = (g) => g.uint8Constant('x_zero', Uint8Array.of(a.zeroPoint), []);
  return {
    fp32: (g, x) => g.op('Add', [g.op('MatMul', [x, g.floatConstant('w', kernel, [k, n])], { name: 'mm' }), b(g)], { name: 'bias' }),
    dynamic: (g, x) => g.op('DynamicQuantizeMatMul', [x, int8(g), scales(g), '', b(g)], { name: 'mm', domain: MICROSOFT_DOMAIN }),
    static: (g, x) => {
      const quantized = g.op('QuantizeLinear', [x, xs(g), xz(g)], { name: 'q' });
      return g.op('MatMulIntegerToFloat', [quantized, int8(g), xs(g), scales(g), xz(g), '', b(g)], { name: 'mm', domain: MICROSOFT_DOMAIN });
    },
    qdq: (g, x) => {
      const dq = g.op('DequantizeLinear', [g.op('QuantizeLinear', [x, xs(g), xz(g)], { name: 'q' }), xs(g), xz(g)], { name: 'dq' });
      const w = g.op('DequantizeLinear', [int8(g), scales(g), g.int8Constant('w_zero', new Int8Array(n), [n])], {
        name: 'wdq',
        attributes: { axis: attr.int(1) },
      });
      return g.op('Add', [g.op('MatMul', [dq, w], { name: 'mm' }), b(g)], { name: 'bias' });
    },
  };
}

function leftForms(rows) {
  const kernel = random(rows * rows, 0.1, 3);
  const bias = random(rows, 0.1, 4);
  let largest = 0;
  for (const v of kernel) largest = Math.max(largest, Math.abs(v));
  const scale = largest / 127;
  const q = Int8Array.from(kernel, (v) => Math.round(v / scale));
  const a = activationQuantization(-4, 4);
  return {
    fp32: (g, x) =>
      g.op('Add', [g.op('MatMul', [g.floatConstant('w', kernel, [rows, rows]), x], { name: 'mm' }), g.floatConstant('b', bias, [rows, 1])], { name: 'bias' }),
    static: (g, x) => {
      const quantized = g.op(
        'QuantizeLinear',
        [x, g.floatConstant('x_scale', Float32Array.of(a.scale), []), g.uint8Constant('x_zero', Uint8Array.of(a.zeroPoint), [])],
        { name: 'q' },
      );
      const acc = g.op(
        'MatMulInteger',
        [g.int8Constant('w_int8', q, [rows, rows]), quantized, '', g.uint8Constant('x_zero2', Uint8Array.of(a.zeroPoint), [])],
        { name: 'mm' },
      );
      const scaled = g.op(
        'Mul',
        [g.op('Cast', [acc], { name: 'cast', attributes: { to: attr.int(1) } }), g.floatConstant('s', Float32Array.of(scale * a.scale), [])],
        { name: 'scale' },
      );
      return g.op('Add', [scaled, g.floatConstant('b', bias, [rows, 1])], { name: 'bias' });
    },
  };
}

async function measure(label, forms, dims) {
  const names = Object.keys(forms);
  const sessions = [];
  for (const name of names) sessions.push(await ort.InferenceSession.create(model(forms[name], dims), { graphOptimizationLevel: 'all', logSeverityLevel: 3 }));
  const input = new ort.Tensor(
    'float32',
    random(
      dims.reduce((a, b) => a * b, 1),
      2,
      5,
    ),
    dims,
  );
  for (const s of sessions) await s.run({ x: input });
  const ms = names.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, s] of sessions.entries()) {
      const started = performance.now();
      for (let i = 0; i < 3; i++) await s.run({ x: input });
      ms[k].push((performance.now() - started) / 3);
    }
  }
  const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const base = median(ms[0]);
  console.log(`| ${label} | ${names.map((n, k) => `${n} ${median(ms[k]).toFixed(2)} (${(base / median(ms[k])).toFixed(2)}x)`).join(' | ')} |`);
}

console.log(`batch ${BATCH}, ms per run (median of ${ROUNDS} rounds) and speed against fp32`);
for (const [rows, k, n, what] of [
  [64, 192, 256, 'patch embedding (seed)'],
  [64, 256, 256, 'FNet feed-forward, gMLP projection back (seed)'],
  [64, 256, 512, 'gMLP channel projection (seed)'],
  [64, 256, 64, 'MLP-Mixer channel MLP in (seed)'],
  [64, 64, 256, 'MLP-Mixer channel MLP out (seed)'],
  [49, 16, 64, 'patch embedding (Fashion-MNIST runs)'],
  [49, 64, 64, 'feed-forward (Fashion-MNIST runs)'],
]) {
  await measure(`right [${BATCH}x${rows}, ${k}] x [${k}, ${n}]: ${what}`, rightForms(k, n), [BATCH, rows, k]);
}
await measure('left [64, 64] x [B, 64, 256]: token mixing, spatial projection (seed)', leftForms(64), [BATCH, 64, 256]);
