/**
 * The opsets mlpx exports, and the IR version each needs (onnx/docs/Versioning.md: opset 13 and
 * 14 came with IR 7, 15-18 with IR 8, 19-20 with IR 9, 21 with IR 10). Writing the lowest IR
 * version an opset allows keeps the model loadable by the oldest runtimes that know the opset.
 */
export const MIN_OPSET = 13;
export const MAX_OPSET = 21;
export const DEFAULT_OPSET = 17;

const IR_VERSION_BY_OPSET: Readonly<Record<number, number>> = {
  13: 7,
  14: 7,
  15: 8,
  16: 8,
  17: 8,
  18: 8,
  19: 9,
  20: 9,
  21: 10,
};

export function irVersionFor(opset: number): number {
  const ir = IR_VERSION_BY_OPSET[opset];
  if (ir === undefined) throw new RangeError(`opset ${opset} is outside the supported range ${MIN_OPSET} to ${MAX_OPSET}`);
  return ir;
}
