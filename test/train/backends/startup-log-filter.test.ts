/**
 * What TensorFlow prints while loading passes through as TF_CPP_MIN_LOG_LEVEL says (0: all,
 * 1: no INFO, 2: no INFO or WARNING, 3: FATAL only), Abseil's "before InitializeLog" notice goes
 * whenever anything is hidden, and lines that are not Abseil's always pass.
 */
import { describe, expect, it } from 'vitest';
import { filterStartupLog } from '@mlpx/train/src/backends/tensorflow/startup-log-filter.js';

// As TensorFlow 2.21's CPU build prints them at load (the time as Abseil writes it before its initialisation).
const NOTICE = 'WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n';
const INFO = 'I0000 00:00:1795938721.237572   24771 port.cc:153] oneDNN custom operations are on.\n';
const WARNING = 'W0000 00:00:1795938721.274245   24771 cpu_allocator_impl.cc:83] Allocation exceeds 10% of free system memory.\n';
const ERROR = 'E0000 00:00:1795938721.300000   24771 cuda_dnn.cc:8310] Unable to register cuDNN factory.\n';
const FATAL = 'F1129 07:51:02.000001   24771 status.cc:1] Check failed.\n';
const OTHER = 'To enable the following instructions: AVX2 AVX512F FMA, rebuild TensorFlow.\n';
const PRINTED = NOTICE + INFO + WARNING + ERROR + FATAL + OTHER;

describe('filterStartupLog', () => {
  it.each([
    [0, PRINTED],
    [1, WARNING + ERROR + FATAL + OTHER],
    [2, ERROR + FATAL + OTHER],
    [3, FATAL + OTHER],
  ])('TF_CPP_MIN_LOG_LEVEL=%i', (level, expected) => {
    expect(filterStartupLog(PRINTED, level)).toBe(expected);
  });

  it('passes text without a final newline, and nothing for nothing', () => {
    expect(filterStartupLog(`${INFO}partial line`, 2)).toBe('partial line');
    expect(filterStartupLog('', 2)).toBe('');
  });

  it('treats a level that is not a number as 0, as TensorFlow does', () => {
    expect(filterStartupLog(PRINTED, Number('verbose'))).toBe(PRINTED);
  });
});
