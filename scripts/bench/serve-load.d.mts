// Types of serve-load.mjs, for the tests that import it (test/triton/serve-load.test.ts).
import type { Agent } from 'node:http';

export interface InferBody {
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}
export function binaryInferRequest(image: Float32Array, shape: readonly number[], outputs?: readonly string[]): InferBody;
export function parseInferResponse(
  body: Buffer,
  headerLength: string | string[] | undefined,
): { doc: { outputs?: unknown[] } & Record<string, unknown>; outputs: Record<string, unknown> };
export function compareLogits(logits: ArrayLike<number> | undefined, expected: ArrayLike<number>, tolerance?: number): string | undefined;
export function inferOnce(options: {
  url: string;
  model: string;
  image: Float32Array;
  shape: readonly number[];
  agent?: Agent;
  timeoutMs?: number;
}): Promise<Float32Array>;
export function singleAnswers(options: { url: string; model: string; images: readonly Float32Array[]; shape: readonly number[] }): Promise<Float32Array[]>;

export interface LoadResult {
  readonly requests: number;
  readonly failed: number;
  readonly wrong: number;
  /** The first ten failed or wrong answers, each named by its image. */
  readonly failures: string[];
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Every request's latency, sorted. */
  readonly latenciesMs: Float64Array;
}
export function runLoad(options: {
  url: string;
  model: string;
  images: readonly Float32Array[];
  shape: readonly number[];
  expected: readonly ArrayLike<number>[];
  concurrency?: number;
  seconds?: number;
  timeoutMs?: number;
  tolerance?: number;
}): Promise<LoadResult>;
export function combineRounds(rounds: readonly LoadResult[]): Omit<LoadResult, 'maxMs' | 'latenciesMs'> & { rounds: number };
