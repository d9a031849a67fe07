/**
 * How often training reads its steps' metrics back on webgpu (training/step-metrics.ts): once a
 * second, all pending steps in one readback, so that the GPU never waits for the CPU between steps.
 */
import type { MetricsReadIntervalForm } from '../../../training/step-metrics.js';

/** How long webgpu steps run between two reads of their metrics, in milliseconds. */
export const WEBGPU_METRICS_INTERVAL_MS: MetricsReadIntervalForm = 1000;
