/**
 * What TensorFlow printed while its libraries loaded, less what TF_CPP_MIN_LOG_LEVEL hides
 * (0: everything, 1: no INFO, 2: no INFO or WARNING, 3: errors hidden too, as TensorFlow reads
 * it). TensorFlow 2.16 and later log through Abseil, which prints everything logged before
 * absl::InitializeLog() to stderr, with a warning saying so, before TensorFlow applies that
 * setting: Abseil lines are "<severity letter><MMDD> <time> <thread> <file>:<line>] <message>" (the time as
 * Abseil writes it before its initialisation, "00:00:<seconds since 1970>").
 * Anything else printed (not an Abseil line) is passed on.
 */
const ABSEIL_LINE = /^([IWEF])\d{4} [\d:.]+\s+\d+ \S+:\d+\] /;
const BEFORE_INITIALIZE_LOG = 'WARNING: All log messages before absl::InitializeLog() is called are written to STDERR';
const SEVERITY = { I: 0, W: 1, E: 2, F: 3 } as const;

export function filterStartupLog(text: string, minLogLevel: number): string {
  if (!(minLogLevel > 0)) return text;
  const kept = text.split(/(?<=\n)/).filter((line) => {
    if (line.trimEnd() === BEFORE_INITIALIZE_LOG) return false;
    const abseil = ABSEIL_LINE.exec(line);
    return !abseil || SEVERITY[abseil[1] as keyof typeof SEVERITY] >= Math.min(minLogLevel, 3);
  });
  return kept.join('');
}
