// A real Triton Inference Server for the tests (test/helpers/triton.ts) and the side-by-side load
// benchmark (scripts/bench/serve-load.mjs): plain JavaScript so that both can import it, typed by
// triton.d.mts.
//
// - tritonserver 2.51.0 comes from PyPI's nvidia-pytriton 0.7.0, which bundles it with only Triton's
//   python backend; tritonclient's HTTP client comes from PyPI too. Each goes into a venv of its own
//   in a cache folder ($MLPX_TEST_CACHE/triton, else ~/.cache/mlpx-test/triton).
// - The ONNX Runtime backend production Triton serves ONNX models with is built there from Triton's
//   sources (the folder $MLPX_TRITON_SOURCES names) by build-onnxruntime-backend.sh, on onnxruntime-node's
//   own libonnxruntime.so.1; once per cache and per input (each cache folder is named by a hash of
//   what it was made from).
// - `node triton.mjs prepare` makes both and says how long each took (.ci/run).
// - startTritonServer runs tritonserver on a repository on 127.0.0.1, on free ports, and waits for
//   /v2/health/ready. Servers die with the process that started them (PR_SET_PDEATHSIG, set by a
//   python launcher before it becomes the server) and are killed at exit too, so none is left behind.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(HERE, '..', '..', '..');

/** The pins of the two venvs: the server's package (installed without its Python API's dependencies) and the client. */
export const PYTRITON_REQUIREMENT = 'nvidia-pytriton==0.7.0';
export const TRITONCLIENT_REQUIREMENT = 'tritonclient[http]==2.73.0';
/** The tritonserver nvidia-pytriton 0.7.0 ships, and the tag of Triton's sources the backend is built from. */
export const TRITON_SERVER_VERSION = '2.51.0';
export const TRITON_SOURCES_TAG = 'r24.10';
export const SOURCES_TARBALL = `triton-sources-${TRITON_SOURCES_TAG}.tar.gz`;
export const ONNXRUNTIME_HEADER = 'onnxruntime_c_api.h';
const BUILD_SCRIPT = join(HERE, 'build-onnxruntime-backend.sh');
const DEBIAN_PACKAGES = 'cmake g++ make rapidjson-dev googletest patchelf python3-venv';
const HOW_TO_GET_SOURCES = 'test/tools/triton/README.md says how to make that folder';

export function tritonCacheDir(env = process.env) {
  return env.MLPX_TEST_CACHE ? join(resolve(env.MLPX_TEST_CACHE), 'triton') : join(homedir(), '.cache', 'mlpx-test', 'triton');
}

/** Debian's own Python, which python3-venv completes; else the first python3 on PATH. */
function systemPython() {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

function onPath(tool) {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

/** onnxruntime-node's own libonnxruntime.so.1, which the backend runs on. */
export function onnxruntimeLibrary() {
  try {
    const require = createRequire(join(REPO_ROOT, 'package.json'));
    const pkg = require.resolve('onnxruntime-node/package.json');
    const library = join(dirname(pkg), 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime.so.1');
    return existsSync(library) ? library : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What this machine lacks to run Triton here, as one line (what, and how to get it), or undefined.
 * Checks only what is on disk; PyPI is reached by prepareTriton.
 */
export function tritonMissing(env = process.env) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return `nvidia-pytriton's tritonserver runs on Linux x86-64, and this is ${process.platform} ${process.arch}`;
  }
  const sources = env.MLPX_TRITON_SOURCES;
  if (!sources) {
    return `MLPX_TRITON_SOURCES is not set: set it to a folder with ${SOURCES_TARBALL} and ${ONNXRUNTIME_HEADER} (${HOW_TO_GET_SOURCES})`;
  }
  const absent = [SOURCES_TARBALL, ONNXRUNTIME_HEADER].filter((file) => !existsSync(join(sources, file)));
  if (absent.length > 0) return `MLPX_TRITON_SOURCES=${sources} has no ${absent.join(' and no ')} (${HOW_TO_GET_SOURCES})`;
  const packages = [];
  for (const tool of ['cmake', 'g++', 'make', 'patchelf']) if (!onPath(tool)) packages.push(tool);
  if (!existsSync('/usr/include/rapidjson/document.h')) packages.push('rapidjson-dev');
  if (!existsSync('/usr/src/googletest/CMakeLists.txt')) packages.push('googletest');
  if (spawnSync(systemPython(), ['-c', 'import ensurepip, venv'], { stdio: 'ignore' }).status !== 0) packages.push('python3-venv');
  if (packages.length > 0) {
    return `no ${packages.join(', ')} to build Triton's ONNX Runtime backend and its venv (sudo apt-get install -y ${DEBIAN_PACKAGES})`;
  }
  if (!onnxruntimeLibrary()) return 'no node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1 (run npm ci)';
  return undefined;
}

/** A missing prerequisite: the Triton tests skip on it (or fail under MLPX_REQUIRE_TRITON=1). */
export class TritonUnavailable extends Error {
  name = 'TritonUnavailable';
}

function sha256File(path) {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')));
  });
}

function key(parts) {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);
}

function run(command, args, options = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let output = '';
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolvePromise({ code: -1, output: `${output}${error.message}`, stdout }));
    child.on('close', (code, signal) => resolvePromise({ code: code ?? -1, output: signal ? `${output}(killed by ${signal})` : output, stdout }));
  });
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

const sleep = (ms) => new Promise((resolvePromise) => setTimeout(resolvePromise, ms));

/**
 * Makes `folder` by `make(folder)` unless it is already complete; one process at a time (test files
 * run in parallel): a lock folder beside it names the maker's pid, and a maker that died leaves a lock
 * the next one takes over. A folder without its completion mark is made again.
 */
async function once(folder, make) {
  const done = join(folder, '.mlpx-complete');
  if (existsSync(done)) return;
  mkdirSync(dirname(folder), { recursive: true });
  const lock = `${folder}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      let holder = NaN;
      try {
        holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // being written, or removed: look again
      }
      if (Number.isInteger(holder) && holder > 0 && !alive(holder)) rmSync(lock, { recursive: true, force: true });
      else await sleep(250);
      if (existsSync(done)) return;
    }
  }
  try {
    if (existsSync(done)) return;
    rmSync(folder, { recursive: true, force: true });
    await make(folder);
    writeFileSync(done, new Date().toISOString());
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function lastLines(text, count) {
  return text.trim().split('\n').slice(-count).join('\n');
}

/** A venv in the cache with `requirement` (and pip's flags before it), made by `python -m venv` and pip. */
async function venvWith(cache, name, pipArgs) {
  const python = systemPython();
  const version = spawnSync(python, ['-c', 'import sys; print(sys.version)'], { encoding: 'utf8' }).stdout.trim();
  const folder = join(cache, `${name}-${key([python, version, ...pipArgs])}`);
  await once(folder, async () => {
    const venv = await run(python, ['-m', 'venv', folder]);
    if (venv.code !== 0) throw new TritonUnavailable(`${python} -m venv failed (sudo apt-get install -y python3-venv): ${lastLines(venv.output, 1)}`);
    const installed = await run(join(folder, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '--no-input', ...pipArgs]);
    if (installed.code !== 0)
      throw new TritonUnavailable(`pip could not install ${pipArgs.at(-1)} from PyPI (offline? a proxy?): ${lastLines(installed.output, 1)}`);
  });
  const sitePackages = readdirSync(join(folder, 'lib'))
    .filter((entry) => entry.startsWith('python3'))
    .map((entry) => join(folder, 'lib', entry, 'site-packages'))[0];
  if (!sitePackages) throw new Error(`${folder}: no lib/python3.*/site-packages`);
  return { folder, python: join(folder, 'bin', 'python'), sitePackages };
}

/** tritonserver: nvidia-pytriton alone (--no-deps: its Python API's dependencies are not needed for the server it bundles). */
async function prepareServer(cache) {
  const venv = await venvWith(cache, 'tritonserver', ['--no-deps', PYTRITON_REQUIREMENT]);
  const libraries = join(venv.sitePackages, 'nvidia_pytriton.libs');
  const serverLibrary = readdirSync(libraries).find((entry) => /^libtritonserver(-[0-9a-f]+)?\.so$/.test(entry));
  if (!serverLibrary) throw new Error(`${libraries}: no libtritonserver*.so (nvidia-pytriton's layout changed?)`);
  return { tritonserver: join(venv.sitePackages, 'pytriton', 'tritonserver', 'bin', 'tritonserver'), libraries, serverLibrary };
}

async function prepareBackend(cache, sources, serverLibrary) {
  const onnxruntime = onnxruntimeLibrary();
  const inputs = await Promise.all([join(sources, SOURCES_TARBALL), join(sources, ONNXRUNTIME_HEADER), onnxruntime, BUILD_SCRIPT].map(sha256File));
  const folder = join(cache, `onnxruntime-backend-${key([...inputs, serverLibrary])}`);
  await once(folder, async () => {
    const built = await run('bash', [BUILD_SCRIPT, sources, onnxruntime, serverLibrary, folder]);
    if (built.code !== 0) throw new Error(`building Triton's ONNX Runtime backend failed:\n${lastLines(built.output, 30)}`);
  });
  return join(folder, 'backends');
}

let prepared;

const since = (started) => (performance.now() - started) / 1000;

/**
 * The server's venv, then the client's venv and the backend side by side (pip waits on the network,
 * the build on the CPU), each made when absent: about 5 s, 15 s and 30 to 40 s on two cores. Throws
 * TritonUnavailable when a prerequisite is missing.
 */
export function prepareTriton(env = process.env) {
  prepared ??= (async () => {
    const missing = tritonMissing(env);
    if (missing) throw new TritonUnavailable(missing);
    const cache = tritonCacheDir(env);
    const started = performance.now();
    const server = await prepareServer(cache);
    const serverSeconds = since(started);
    const [[client, clientSeconds], [backendDirectory, backendSeconds]] = await Promise.all([
      venvWith(cache, 'tritonclient', [TRITONCLIENT_REQUIREMENT]).then((venv) => [venv, since(started) - serverSeconds]),
      prepareBackend(cache, resolve(env.MLPX_TRITON_SOURCES), server.serverLibrary).then((folder) => [folder, since(started) - serverSeconds]),
    ]);
    return {
      ...server,
      venv: client.folder,
      python: client.python,
      backendDirectory,
      cache,
      seconds: { server: serverSeconds, client: clientSeconds, backend: backendSeconds, total: since(started) },
    };
  })();
  return prepared;
}

/** A port free on 127.0.0.1 now (the kernel's pick); whoever binds it next may race, so starts retry. */
export function freePort() {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePromise(port));
    });
  });
}

const running = new Set();
function killAllNow() {
  for (const child of running) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
process.on('exit', killAllNow);

// Sets PR_SET_PDEATHSIG (the kernel sends SIGKILL when the parent ends, however it ends), then
// becomes the server: execv keeps the setting and the pid.
const LAUNCHER = ['import ctypes, os, signal, sys', 'ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)', 'os.execv(sys.argv[1], sys.argv[1:])'].join(
  '\n',
);

/**
 * Starts `command args` in a process group of its own, tied to this process's life (see LAUNCHER,
 * run by `python`), and records it; stop() sends SIGTERM to the group, then SIGKILL after
 * `stopTimeoutMs`. Output is kept (the last 256 kB) for messages.
 */
export function startProcess({ python, command, args, env, cwd, stopTimeoutMs = 10_000 }) {
  const child = spawn(python, ['-c', LAUNCHER, command, ...args], { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const keep = (chunk) => {
    output += chunk;
    if (output.length > 512 * 1024) output = output.slice(-256 * 1024);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exitCode;
  const exited = new Promise((resolvePromise) => {
    child.on('error', (error) => {
      keep(`\n${error.message}\n`);
      exitCode = -1;
      running.delete(child);
      resolvePromise(undefined);
    });
    child.on('exit', (code, signal) => {
      exitCode = code ?? signal;
      running.delete(child);
      resolvePromise(undefined);
    });
  });
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is gone
    }
  };
  return {
    pid: child.pid,
    output: () => output,
    exitCode: () => exitCode,
    exited,
    async stop() {
      if (exitCode !== undefined) return;
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), stopTimeoutMs);
      await exited;
      clearTimeout(timer);
      signalGroup('SIGKILL'); // anything the server started and left in its group
    },
  };
}

/** Polls `url` until it answers 200; throws with `what`'s output when the process ends or time runs out. */
export async function waitForReady(url, processHandle, what, timeoutMs = 60_000) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (processHandle.exitCode() !== undefined) {
      throw new Error(`${what} ended (${processHandle.exitCode()}) before ${url} was ready; its output ends:\n${lastLines(processHandle.output(), 25)}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${what} was not ready at ${url} after ${timeoutMs / 1000} s; its output ends:\n${lastLines(processHandle.output(), 25)}`);
}

/**
 * tritonserver on `repository` (every model in it), HTTP and metrics on free ports of 127.0.0.1, gRPC
 * off; resolves once /v2/health/ready answers 200 (every model READY). `args` are added to the command
 * line.
 */
export async function startTritonServer(install, repository, { args = [], readyTimeoutMs = 60_000 } = {}) {
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const [httpPort, metricsPort] = [await freePort(), await freePort()];
    const server = startProcess({
      python: install.python,
      command: install.tritonserver,
      args: [
        `--model-repository=${resolve(repository)}`,
        `--backend-directory=${install.backendDirectory}`,
        '--http-address=127.0.0.1',
        `--http-port=${httpPort}`,
        '--allow-grpc=false',
        '--metrics-address=127.0.0.1',
        `--metrics-port=${metricsPort}`,
        '--exit-timeout-secs=5',
        ...args,
      ],
      // The server library and its companions lie in the wheel's nvidia_pytriton.libs.
      env: { ...process.env, LD_LIBRARY_PATH: [install.libraries, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') },
    });
    const url = `http://127.0.0.1:${httpPort}`;
    try {
      await waitForReady(`${url}/v2/health/ready`, server, 'tritonserver', readyTimeoutMs);
      return { url, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, pid: server.pid, output: server.output, stop: server.stop };
    } catch (error) {
      await server.stop();
      lastError = error;
      // Another process took a port between freePort and the bind: try new ones.
      if (!/address already in use|failed to start.*(HTTP|Metrics)/i.test(server.output())) throw error;
    }
  }
  throw lastError;
}

/** tritonclient's checks (oip_client.py) of one server, as the JSON the script prints. */
export async function runOipClient(install, { url, model, imagesFile, shape, classCount = 3, concurrent = 32, sections = [] }) {
  const result = await run(install.python, [
    join(HERE, 'oip_client.py'),
    '--url',
    url,
    '--model',
    model,
    '--images',
    imagesFile,
    '--shape',
    shape.join(','),
    '--class-count',
    String(classCount),
    '--concurrent',
    String(concurrent),
    '--sections',
    sections.join(','),
  ]);
  if (result.code !== 0) throw new Error(`oip_client.py failed (${result.code}):\n${lastLines(result.output, 30)}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

// `node test/tools/triton/triton.mjs prepare` (.ci/run): the venv and the backend, before the tests,
// and what each took.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url) && process.argv[2] === 'prepare') {
  try {
    const install = await prepareTriton();
    const { server, client, backend, total } = install.seconds;
    console.log(
      `Triton for the tests in ${install.cache}: ${total.toFixed(1)} s (tritonserver's venv ${server.toFixed(1)} s, then tritonclient's ${client.toFixed(1)} s beside the ONNX Runtime backend's build ${backend.toFixed(1)} s)`,
    );
  } catch (error) {
    console.error(`Triton for the tests: ${error.message}`);
    process.exit(1);
  }
}
