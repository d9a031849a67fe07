/**
 * The devices the set-up TensorFlow sees, by name, asked of TensorFlow itself through the Python of
 * its environment (tfjs-node's addon reports only whether it uses a GPU). For `mlpx doctor`: it
 * costs TensorFlow's Python import, a few seconds.
 */
import { cpus } from 'node:os';
import { describeError } from '@mlpx/core';
import { outputTail, runCommand } from './run-command.js';
import type { TensorflowInstall } from './tensorflow-install.js';

const LIST_DEVICES = [
  'import json, os',
  "os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')",
  'import tensorflow as tf',
  'devices = []',
  'for d in tf.config.list_physical_devices():',
  "    details = tf.config.experimental.get_device_details(d) if d.device_type == 'GPU' else {}",
  "    devices.append({'type': d.device_type, 'name': details.get('device_name', '')})",
  'print(json.dumps(devices))',
].join('\n');

/** 'CPU (AMD EPYC …)', 'GPU (NVIDIA H200)', …; or why they could not be listed. */
export async function listTensorflowDevices(install: TensorflowInstall): Promise<string> {
  if (!install.python) return 'not listed (set up with --from a folder without its Python)';
  const result = await runCommand(install.python, ['-c', LIST_DEVICES]).catch((error: unknown) => ({ code: null, stdout: '', stderr: describeError(error) }));
  if (result.code !== 0) return `not listed: ${install.python} could not import TensorFlow:\n${outputTail(result, 3)}`;
  const devices = JSON.parse(result.stdout.trim().split('\n').pop()!) as { type: string; name: string }[];
  const names = devices.map((d) => `${d.type} (${d.type === 'CPU' ? (cpus()[0]?.model.trim() ?? 'unknown') : d.name || 'unnamed'})`);
  const gpus = devices.filter((d) => d.type === 'GPU').length;
  return `${names.join(', ')}${install.gpu && gpus === 0 ? '; TensorFlow sees no GPU' : ''}`;
}
