/**
 * A bounded load test over loopback, against tritonserver and against `mlpx serve` on the same
 * repository (the one `mlpx export --triton` writes): 64 clients with a keep-alive connection each
 * send batch-1 binary-data requests of real Fashion-MNIST test images for 5 s
 * (scripts/bench/serve-load.mjs's runLoad, which stops by itself). No request may fail, and every
 * answer must be the one that server gave the image alone (top-1 identical, logits within 1e-5),
 * which must be onnxruntime-node's. The throughput figures are the benchmark's
 * (`node scripts/bench/serve-load.mjs`, BENCHMARKS.md), not this test's: here the servers share two
 * cores with the other tests.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { compareLogits, runLoad, singleAnswers } from '../../scripts/bench/serve-load.mjs';
import { describeWithTriton, servedModel, startMlpxServe, startTriton, tritonInstall, type RunningServer, type ServedModel } from '../helpers/triton.js';

const CLIENTS = 64;
const SECONDS = 5;
const IMAGES = 64;

let model: ServedModel;
const servers: RunningServer[] = [];

describeWithTriton(`${CLIENTS} clients for ${SECONDS} s, batch-1 binary requests`, () => {
  beforeAll(async () => {
    tritonInstall();
    model = await servedModel(IMAGES);
    servers.push(await startTriton(model.repository), await startMlpxServe(model.repository));
  }, 240_000);
  afterAll(async () => {
    await Promise.all(servers.map((running) => running.stop()));
    await model?.remove();
  }, 60_000);

  for (const name of ['tritonserver', 'mlpx serve'] as const) {
    it(`${name}: no failed or wrong answer`, async () => {
      const running = servers.find((candidate) => candidate.name === name)!;
      const images = Array.from({ length: IMAGES }, (_, i) => model.image(i));
      const shape = [1, ...model.shape.slice(1)];
      const alone = await singleAnswers({ url: running.url, model: model.modelName, images, shape });
      alone.forEach((logits, i) =>
        expect(compareLogits(logits, model.expectedAlone[i]!), `${name}, image ${i} alone against onnxruntime-node`).toBeUndefined(),
      );
      const result = await runLoad({ url: running.url, model: model.modelName, images, shape, expected: alone, concurrency: CLIENTS, seconds: SECONDS });
      console.log(
        `${name}: ${result.requests} requests in ${result.seconds.toFixed(1)} s (${result.requestsPerSecond.toFixed(0)}/s), ` +
          `p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, max ${result.maxMs.toFixed(1)} ms; ${result.failed} failed, ${result.wrong} wrong`,
      );
      expect(result.failures).toEqual([]);
      expect(result.failed + result.wrong).toBe(0);
      // Every client got answers throughout, and the run stopped by itself near its time.
      expect(result.requests).toBeGreaterThan(CLIENTS * 10);
      expect(result.seconds).toBeLessThan(SECONDS + 11);
    }, 60_000);
  }
});
