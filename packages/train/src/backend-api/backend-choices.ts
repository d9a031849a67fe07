/**
 * The backends a user can ask training to run on (`mlpx train --backend`, TrainSettings.backend):
 * a setting recorded in runs and checkpoints, so it sits below everything that records it.
 * backends/select-backend.ts says what each is and loads it.
 */
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
