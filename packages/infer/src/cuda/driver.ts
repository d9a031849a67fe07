/**
 * The NVIDIA driver as nvidia-smi reports it: its version and the GPUs it sees. undefined when
 * nvidia-smi is not there or does not answer (which says nothing either way).
 */
import { spawnSync } from 'node:child_process';

export interface DriverReport {
  /** e.g. '580.65.06'; undefined when no GPU was listed. */
  readonly version: string | undefined;
  readonly gpus: string[];
  /** nvidia-smi's own words when it failed ("No devices were found", "couldn't communicate with the NVIDIA driver"). */
  readonly failure?: string;
}

export function queryDriver(): DriverReport | undefined {
  const result = spawnSync('nvidia-smi', ['--query-gpu=driver_version,name', '--format=csv,noheader'], { encoding: 'utf8', timeout: 15_000 });
  if (result.error) return undefined; // not installed, or hung
  const text = `${result.stdout ?? ''}`.trim();
  if (result.status !== 0) return { version: undefined, gpus: [], failure: (text || `${result.stderr ?? ''}`.trim()).split('\n')[0] ?? 'failed' };
  const rows = text
    .split('\n')
    .map((line) => line.split(',').map((part) => part.trim()))
    .filter((row) => row[0]);
  return { version: rows[0]?.[0], gpus: rows.map((row) => row[1] ?? 'GPU') };
}

/** The driver's major (R-) number: 580 for '580.65.06'. */
export function driverMajor(version: string): number {
  return Number.parseInt(version, 10);
}
