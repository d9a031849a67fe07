/**
 * The ONNX reference checker (Debian's python3-onnx, onnx 1.12: opsets up to 17):
 * onnx.checker.check_model(model, full_check=True), which also runs shape inference.
 */
import { execFile } from 'node:child_process';

export const CHECKER_MAX_OPSET = 17;
const PYTHON = '/usr/bin/python3';
const SCRIPT = 'import onnx, sys; onnx.checker.check_model(onnx.load_from_string(sys.stdin.buffer.read()), full_check=True)';

/** Resolves when the checker accepts the model; rejects with its message otherwise. */
export function checkOnnxModel(bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(PYTHON, ['-c', SCRIPT], { maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`onnx.checker rejected the model: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
      else resolve();
    });
    child.stdin!.end(Buffer.from(bytes));
  });
}
