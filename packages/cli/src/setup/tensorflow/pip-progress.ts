/**
 * What pip is doing, in a few words, from its output as it arrives: "collecting absl-py (12
 * packages)", then "installing 34 packages". pip's own output (a line per package, a progress bar
 * per download: about a hundred lines for TensorFlow) goes to a log file instead of the terminal.
 */

export class PipProgress {
  private collected = 0;
  private pending = '';

  /** `report` gets each new status. */
  constructor(private readonly report: (status: string) => void) {}

  /** Reads a chunk of pip's output (lines may span chunks). */
  read(text: string): void {
    const lines = (this.pending + text).split(/\r?\n|\r/);
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  private line(line: string): void {
    const collecting = /^Collecting (\S+)/.exec(line);
    if (collecting) {
      this.collected++;
      this.report(`collecting ${collecting[1]!} (${this.collected} package${this.collected === 1 ? '' : 's'})`);
      return;
    }
    const installing = /^Installing collected packages: (.*)$/.exec(line);
    if (installing) {
      const count = installing[1]!.split(',').filter((name) => name.trim() !== '').length;
      this.report(`installing ${count} package${count === 1 ? '' : 's'}`);
    }
  }
}
