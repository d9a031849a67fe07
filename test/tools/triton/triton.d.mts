// Types of triton.mjs (plain JavaScript so that scripts/bench/serve-load.mjs runs it too).

export const REPO_ROOT: string;
export const PYTRITON_REQUIREMENT: string;
export const TRITONCLIENT_REQUIREMENT: string;
export const TRITON_SERVER_VERSION: string;
export const TRITON_SOURCES_TAG: string;
export const SOURCES_TARBALL: string;
export const ONNXRUNTIME_HEADER: string;

export interface TritonInstall {
  /** tritonclient's venv and its python (oip_client.py). */
  readonly venv: string;
  readonly python: string;
  readonly tritonserver: string;
  /** nvidia-pytriton's bundled libraries (LD_LIBRARY_PATH for tritonserver). */
  readonly libraries: string;
  /** The server library's file name there (libtritonserver-<hash>.so). */
  readonly serverLibrary: string;
  /** --backend-directory: holds onnxruntime/libtriton_onnxruntime.so. */
  readonly backendDirectory: string;
  readonly cache: string;
  /** What this process spent making each (near 0 when cached): the server's venv, then the client's venv beside the backend's build. */
  readonly seconds: { readonly server: number; readonly client: number; readonly backend: number; readonly total: number };
}

/** Its functions use no `this`: they may be passed on alone (`stop: server.stop`). */
export interface ServerProcess {
  readonly pid: number | undefined;
  readonly output: () => string;
  readonly exitCode: () => number | string | undefined;
  readonly exited: Promise<void>;
  readonly stop: () => Promise<void>;
}

export interface RunningTriton {
  /** http://127.0.0.1:PORT, no trailing slash. */
  readonly url: string;
  readonly metricsUrl: string;
  readonly pid: number | undefined;
  readonly output: () => string;
  readonly stop: () => Promise<void>;
}

export class TritonUnavailable extends Error {}

export function tritonCacheDir(env?: NodeJS.ProcessEnv): string;
export function onnxruntimeLibrary(): string | undefined;
export function tritonMissing(env?: NodeJS.ProcessEnv): string | undefined;
export function prepareTriton(env?: NodeJS.ProcessEnv): Promise<TritonInstall>;
export function freePort(): Promise<number>;
export function startProcess(options: {
  python: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  stopTimeoutMs?: number;
}): ServerProcess;
export function waitForReady(url: string, server: ServerProcess, what: string, timeoutMs?: number): Promise<void>;
export function startTritonServer(
  install: TritonInstall,
  repository: string,
  options?: { args?: readonly string[]; readyTimeoutMs?: number },
): Promise<RunningTriton>;

export interface ClientError {
  readonly error: string;
  readonly trace?: string;
}
export interface ClientTensors {
  readonly logits: number[][];
  readonly probabilities: number[][];
  readonly outputs: { name: string; datatype: string; shape: number[] }[];
  readonly model_name: string | undefined;
  readonly model_version: string | undefined;
}
export interface ClientReport {
  // Each present unless --sections left it out.
  readonly health: { live: boolean; ready: boolean; model_ready: boolean } | ClientError;
  readonly server_metadata: { name: string; version: string; extensions: string[] } | ClientError;
  readonly model_metadata:
    | {
        name: string;
        versions?: string[];
        platform: string;
        inputs: { name: string; datatype: string; shape: number[] }[];
        outputs: { name: string; datatype: string; shape: number[] }[];
      }
    | ClientError;
  readonly json: ClientTensors | ClientError;
  readonly binary: ClientTensors | ClientError;
  readonly classification: { logits: string[][]; probabilities: string[][] } | ClientError;
  readonly async_infer: { logits: number[][] } | ClientError;
  readonly concurrent: { requests: number; logits: number[][]; statistics: { inference_count: number; execution_count: number } | ClientError } | ClientError;
}
export function runOipClient(
  install: TritonInstall,
  options: {
    url: string;
    model: string;
    imagesFile: string;
    shape: readonly number[];
    classCount?: number;
    concurrent?: number;
    sections?: readonly (keyof ClientReport)[];
  },
): Promise<Partial<ClientReport>>;
