#!/usr/bin/env node
// A bounded load test of an Open Inference Protocol v2 server over loopback: `concurrency` clients,
// each with a keep-alive connection of its own, send batch-1 requests of real test images with
// Triton's binary-data extension (input and output) until `seconds` have passed, and check every
// answer against the answer the same server gave that image alone (top-1 identical, logits within
// 1e-5 of the largest). It reports requests/s, latency percentiles and every failed or wrong answer.
//
// As a script it runs tritonserver (with Triton's ONNX Runtime backend) and `mlpx serve` side by
// side on the same model and machine, one at a time in alternating rounds, and prints the figures
// of BENCHMARKS.md:
//
//   npx tsc -b && MLPX_TRITON_SOURCES=/path/to/triton-sources node scripts/bench/serve-load.mjs \
//     [--run RUN_FOLDER] [--seconds 20] [--concurrency 64] [--rounds 2] [--json]
//
// Without --run it trains a small model first (as in test/triton/). The Triton repository is the one
// `mlpx export --triton` writes, with mlpx serve's batching (the same max batch and queue delay);
// mlpx serve serves that repository. test/tools/triton/README.md says what Triton needs here.
// test/triton/serve-load.test.ts imports runLoad for a short run against both servers.
import { readFileSync } from 'node:fs';
import { request as httpRequest, Agent } from 'node:http';

/** The body and headers of a binary-data infer request for one image [1, H, W, C] of float32. */
export function binaryInferRequest(image, shape, outputs = ['logits']) {
  const data = Buffer.from(image.buffer, image.byteOffset, image.byteLength);
  const header = Buffer.from(
    JSON.stringify({
      inputs: [{ name: 'images', shape, datatype: 'FP32', parameters: { binary_data_size: data.length } }],
      outputs: outputs.map((name) => ({ name, parameters: { binary_data: true } })),
    }),
  );
  return {
    body: Buffer.concat([header, data]),
    headers: { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(header.length) },
  };
}

/** The outputs of a binary-data infer response, by name: Float32Array for FP32 binary outputs, the JSON data otherwise. */
export function parseInferResponse(body, headerLength) {
  const jsonLength = headerLength === undefined ? body.length : Number(headerLength);
  const doc = JSON.parse(body.subarray(0, jsonLength).toString('utf8'));
  const outputs = {};
  let offset = jsonLength;
  for (const output of doc.outputs ?? []) {
    const size = output.parameters?.binary_data_size;
    if (size === undefined) {
      outputs[output.name] = output.data;
      continue;
    }
    const bytes = body.subarray(offset, offset + size);
    offset += size;
    if (bytes.length !== size) throw new Error(`${output.name}: ${bytes.length} binary bytes, the header says ${size}`);
    const copy = new Uint8Array(bytes); // aligned for the Float32Array
    outputs[output.name] = output.datatype === 'FP32' ? new Float32Array(copy.buffer, 0, size / 4) : copy;
  }
  if (offset !== body.length) throw new Error(`the response has ${body.length - offset} bytes after its outputs`);
  return { doc, outputs };
}

function post(agent, url, { body, headers }, timeoutMs) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent, headers: { ...headers, 'Content-Length': String(body.length) }, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

function argmax(values) {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** Why `logits` is not `expected` (top-1, or a difference of 1e-5 of the largest |logit| or more), or undefined. */
export function compareLogits(logits, expected, tolerance = 1e-5) {
  if (!logits || logits.length !== expected.length) return `${logits?.length ?? 'no'} logits, expected ${expected.length}`;
  let scale = 1e-12;
  let difference = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]));
    difference = Math.max(difference, Math.abs(logits[i] - expected[i]));
  }
  if (argmax(logits) !== argmax(expected)) return `top-1 ${argmax(logits)}, expected ${argmax(expected)}`;
  if (!(difference < tolerance * scale)) return `largest logit difference ${difference.toExponential(2)} (scale ${scale.toFixed(3)})`;
  return undefined;
}

/** One binary request of one image; the logits, or throws with the server's status and message. */
export async function inferOnce({ url, model, image, shape, agent, timeoutMs = 30_000 }) {
  const response = await post(agent, `${url}/v2/models/${encodeURIComponent(model)}/infer`, binaryInferRequest(image, shape), timeoutMs);
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${response.body.toString('utf8').slice(0, 300)}`);
  return parseInferResponse(response.body, response.headers['inference-header-content-length']).outputs.logits;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * `concurrency` clients for `seconds` (each finishes the request it has in flight; a request may take
 * `timeoutMs` at most), image i = (client + k * concurrency) % images.length. `expected[i]` is image
 * i's answer alone. Returns the counts, requests/s, latency percentiles in ms, and the first failures.
 */
export async function runLoad({ url, model, images, shape, expected, concurrency = 64, seconds = 20, timeoutMs = 10_000, tolerance = 1e-5 }) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  const bodies = images.map((image) => binaryInferRequest(image, shape));
  const target = `${url}/v2/models/${encodeURIComponent(model)}/infer`;
  const latencies = [];
  const failures = [];
  let failed = 0;
  let wrong = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const client = async (c) => {
    for (let k = 0; performance.now() < deadline; k++) {
      const i = (c + k * concurrency) % images.length;
      const sent = performance.now();
      try {
        const response = await post(agent, target, bodies[i], timeoutMs);
        latencies.push(performance.now() - sent);
        if (response.status !== 200) {
          failed++;
          if (failures.length < 10) failures.push(`image ${i}: HTTP ${response.status}: ${response.body.toString('utf8').slice(0, 200)}`);
          continue;
        }
        const problem = compareLogits(
          parseInferResponse(response.body, response.headers['inference-header-content-length']).outputs.logits,
          expected[i],
          tolerance,
        );
        if (problem) {
          wrong++;
          if (failures.length < 10) failures.push(`image ${i}: ${problem}`);
        }
      } catch (error) {
        latencies.push(performance.now() - sent);
        failed++;
        if (failures.length < 10) failures.push(`image ${i}: ${error.message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, c) => client(c)));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    failed,
    wrong,
    failures,
    seconds: elapsed,
    requestsPerSecond: latencies.length / elapsed,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length > 0 ? sorted[sorted.length - 1] : NaN,
    latenciesMs: sorted,
  };
}

/** Each image's answer alone, one request at a time. */
export async function singleAnswers({ url, model, images, shape }) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const answers = [];
  for (const image of images) answers.push(await inferOnce({ url, model, image, shape, agent }));
  agent.destroy();
  return answers;
}

/** Rounds of runLoad of one server as one: counts added, the rate over their total time, percentiles of all their requests. */
export function combineRounds(rounds) {
  const seconds = rounds.reduce((sum, round) => sum + round.seconds, 0);
  const latencies = Float64Array.from(rounds.flatMap((round) => Array.from(round.latenciesMs))).sort();
  return {
    rounds: rounds.length,
    requests: latencies.length,
    failed: rounds.reduce((sum, round) => sum + round.failed, 0),
    wrong: rounds.reduce((sum, round) => sum + round.wrong, 0),
    failures: rounds.flatMap((round) => round.failures).slice(0, 10),
    seconds,
    requestsPerSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

// ---------------------------------------------------------------------------------------------
// The side-by-side benchmark.

/** User plus system CPU seconds a process has used so far (Linux /proc; NaN elsewhere). */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ, 100 on Linux)
  } catch {
    return NaN;
  }
}

function option(args, name, fallback) {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
}

async function main(args) {
  const { execFile } = await import('node:child_process');
  const { mkdtemp, readdir, rm } = await import('node:fs/promises');
  const { cpus, loadavg, tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { promisify } = await import('node:util');
  const triton = await import('../../test/tools/triton/triton.mjs');
  const seconds = Number(option(args, '--seconds', '20'));
  const concurrency = Number(option(args, '--concurrency', '64'));
  const roundCount = Number(option(args, '--rounds', '2'));
  const mlpx = join(triton.REPO_ROOT, 'packages', 'cli', 'bin', 'mlpx.js');
  const cli = async (cliArgs, cwd) => {
    try {
      return (await promisify(execFile)(process.execPath, [mlpx, ...cliArgs], { cwd, maxBuffer: 64 << 20 })).stdout;
    } catch (error) {
      throw new Error(`mlpx ${cliArgs.join(' ')} failed:\n${error.stderr ?? error.message}`);
    }
  };
  const log = (line) => process.stderr.write(`${line}\n`);

  const missing = triton.tritonMissing();
  if (missing) throw new Error(`Triton is not available here: ${missing}`);
  const install = await triton.prepareTriton();
  const work = await mkdtemp(join(tmpdir(), 'mlpx-serve-load-'));
  const servers = [];
  try {
    let run = option(args, '--run', undefined);
    if (!run) {
      run = join(work, 'run');
      log('training a small model (mixer, 64x64 input resized from 28x28 Fashion-MNIST, patch 8, embedding 64, 2 blocks)...');
      await cli(
        [
          'train',
          '--dataset',
          'fashion-mnist-sample',
          '--model',
          'mixer',
          '--limit',
          '1000',
          '--epochs',
          '1',
          '--batch-size',
          '64',
          '--image-size',
          '64',
          '--patch-size',
          '8',
          '--embedding-dim',
          '64',
          '--blocks',
          '2',
          '--out',
          run,
        ],
        work,
      );
    }
    // mlpx serve's batching, read from its --help, and the same in Triton's config.pbtxt.
    const serveHelp = await cli(['serve', '--help'], work);
    const batching = {
      maxBatchSize: Number(option(args, '--max-batch-size', /--max-batch-size <n>[^(]*\(default: (\d+)\)/.exec(serveHelp)?.[1])),
      maxQueueDelayUs: Number(option(args, '--max-queue-delay-us', /--max-queue-delay-us <n>[^(]*\(default: (\d+)\)/.exec(serveHelp)?.[1])),
    };
    if (!Number.isInteger(batching.maxBatchSize) || !Number.isInteger(batching.maxQueueDelayUs)) {
      throw new Error(`could not read mlpx serve's default --max-batch-size and --max-queue-delay-us from its --help:\n${serveHelp}`);
    }
    const repository = join(work, 'repository');
    await cli(
      [
        'export',
        '--run',
        run,
        '--triton',
        repository,
        '--max-batch-size',
        String(batching.maxBatchSize),
        '--max-queue-delay-us',
        String(batching.maxQueueDelayUs),
      ],
      work,
    );
    const [model] = (await readdir(repository, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    const onnx = join(repository, model, '1', 'model.onnx');

    const { createClassifier, readModel } = await import('@mlpx/infer');
    const { loadDataset } = await import('@mlpx/train');
    const info = await readModel(onnx);
    const [height, width, channels] = info.inputShape;
    const data = await loadDataset('fashion-mnist-sample', { limit: 256 });
    const pixels = height * width * channels;
    if (pixels !== 28 * 28 * 1) throw new Error(`the model takes ${height}x${width}x${channels} images; this script sends Fashion-MNIST's 28x28x1`);
    const images = Array.from({ length: 256 }, (_, i) => Float32Array.from(data.test.images.subarray(i * pixels, (i + 1) * pixels)));
    const shape = [1, height, width, channels];
    const classifier = await createClassifier(onnx);
    const reference = [];
    for (const image of images) reference.push((await classifier.run(image, 1)).logits);
    // The model alone, in this process: the ceiling of images/s at the largest batch a server runs.
    const batch = new Float32Array(batching.maxBatchSize * pixels);
    for (let i = 0; i < batching.maxBatchSize; i++) batch.set(images[i % images.length], i * pixels);
    for (let i = 0; i < 3; i++) await classifier.run(batch, batching.maxBatchSize);
    let runs = 0;
    const timed = performance.now();
    while (performance.now() - timed < 2000) {
      await classifier.run(batch, batching.maxBatchSize);
      runs++;
    }
    const modelAlone = (runs * batching.maxBatchSize) / ((performance.now() - timed) / 1000);
    log(`onnxruntime-node alone, batch ${batching.maxBatchSize}: ${modelAlone.toFixed(0)} images/s`);
    await classifier.release();

    log(`starting tritonserver ${triton.TRITON_SERVER_VERSION} and mlpx serve on ${repository}...`);
    const tritonServer = await triton.startTritonServer(install, repository);
    servers.push(tritonServer);
    const serve = triton.startProcess({ python: install.python, command: process.execPath, args: [mlpx, 'serve', repository, '--port', '0'], cwd: work });
    servers.push(serve);
    const mlpxUrl = await new Promise((resolve, reject) => {
      const timer = setInterval(() => {
        const found = /serving .* at (http:\/\/[^\s/]+)/.exec(serve.output());
        if (found) {
          clearInterval(timer);
          resolve(found[1]);
        } else if (serve.exitCode() !== undefined) {
          clearInterval(timer);
          reject(new Error(`mlpx serve ended (${serve.exitCode()}):\n${serve.output()}`));
        }
      }, 50);
    });
    await triton.waitForReady(`${mlpxUrl}/v2/health/ready`, serve, 'mlpx serve');
    const targets = [
      { name: 'tritonserver', url: tritonServer.url, pid: tritonServer.pid },
      { name: 'mlpx serve', url: mlpxUrl, pid: serve.pid },
    ];
    for (const target of targets) {
      target.expected = await singleAnswers({ url: target.url, model, images, shape });
      const differs = target.expected.map((logits, i) => compareLogits(logits, reference[i])).filter(Boolean);
      if (differs.length > 0) throw new Error(`${target.name}'s single answers differ from onnxruntime-node's: ${differs[0]}`);
      log(`${target.name}: warm-up`);
      await runLoad({ url: target.url, model, images, shape, expected: target.expected, concurrency, seconds: 2 });
      target.rounds = [];
    }
    const loadBefore = loadavg()[0];
    for (let round = 0; round < roundCount; round++) {
      for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
        const [serverCpu, ownCpu] = [cpuSeconds(target.pid), process.cpuUsage()];
        const result = await runLoad({ url: target.url, model, images, shape, expected: target.expected, concurrency, seconds: seconds / roundCount });
        const used = process.cpuUsage(ownCpu);
        result.serverCpuSeconds = cpuSeconds(target.pid) - serverCpu;
        result.clientCpuSeconds = (used.user + used.system) / 1e6;
        log(
          `${target.name}, round ${round + 1}: ${result.requestsPerSecond.toFixed(0)} requests/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, ${result.failed} failed, ${result.wrong} wrong`,
        );
        target.rounds.push(result);
      }
    }
    const results = targets.map((target) => {
      const combined = combineRounds(target.rounds);
      const serverCpu = target.rounds.reduce((sum, round) => sum + round.serverCpuSeconds, 0);
      const clientCpu = target.rounds.reduce((sum, round) => sum + round.clientCpuSeconds, 0);
      // CPU time per 1,000 requests, and the cores in use while loaded (the load generator's own beside).
      return {
        server: target.name,
        ...combined,
        serverCpuMsPerRequest: (serverCpu * 1000) / combined.requests,
        serverCores: serverCpu / combined.seconds,
        clientCores: clientCpu / combined.seconds,
      };
    });
    const [t, m] = results;
    const report = {
      date: new Date().toISOString(),
      machine: `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}`,
      // The 1-minute load average before and after the timed rounds: what else ran on the machine.
      loadAverage: [loadBefore, loadavg()[0]],
      node: process.version,
      model: { name: model, file: onnx, inputShape: info.inputShape, classes: info.labels.length, family: info.family },
      batching,
      modelAloneImagesPerSecond: modelAlone,
      concurrency,
      seconds,
      rounds: roundCount,
      results,
      ratio: m.requestsPerSecond / t.requestsPerSecond,
      // Each round's pair (run back to back) as a ratio: the other work on a shared machine hits a pair alike.
      roundRatios: targets[1].rounds.map((round, i) => round.requestsPerSecond / targets[0].rounds[i].requestsPerSecond),
    };
    report.medianRoundRatio = [...report.roundRatios].sort((a, b) => a - b)[Math.floor(report.roundRatios.length / 2)];
    if (args.includes('--json')) console.log(JSON.stringify(report, null, 2));
    console.log(
      `${concurrency} clients, batch-1 binary requests, ${seconds} s per server in ${roundCount} alternating rounds; max batch ${batching.maxBatchSize}, queue delay ${batching.maxQueueDelayUs} us on both`,
    );
    console.log(`${report.machine}; load average ${report.loadAverage.map((value) => value.toFixed(2)).join(' before, ')} after`);
    console.log(`the model alone (onnxruntime-node in this process, batch ${batching.maxBatchSize}): ${modelAlone.toFixed(0)} images/s`);
    console.log('| server | requests/s | p50 ms | p99 ms | server CPU ms per request | server cores busy | load generator cores | failed | wrong |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const r of results) {
      console.log(
        `| ${r.server} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.serverCpuMsPerRequest.toFixed(3)} | ${r.serverCores.toFixed(2)} | ${r.clientCores.toFixed(2)} | ${r.failed} | ${r.wrong} |`,
      );
    }
    console.log(
      `mlpx serve / tritonserver throughput: ${report.ratio.toFixed(2)}x over all rounds; per round ${report.roundRatios.map((ratio) => ratio.toFixed(2)).join(', ')} (median ${report.medianRoundRatio.toFixed(2)}x)`,
    );
    if (results.some((r) => r.failed > 0 || r.wrong > 0)) {
      for (const r of results) for (const failure of r.failures) log(`${r.server}: ${failure}`);
      process.exitCode = 1;
    }
  } finally {
    for (const server of servers.reverse()) await server.stop();
    await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`serve-load: ${error.message}`);
    process.exit(1);
  });
}
