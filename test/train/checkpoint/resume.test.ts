/** Resume on wasm: the resumed run ends with the uninterrupted run's weights and history. */
import { describe } from 'vitest';
import { useBackend } from '../../helpers/backend.js';
import { resumeTests } from '../../helpers/resume-suite.js';

useBackend('wasm');

describe('resume', () => {
  resumeTests('wasm');
});
