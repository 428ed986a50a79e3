/** Minimum time between two progress updates, in milliseconds. */
const UPDATE_INTERVAL_MS = 250;

/**
 * Shows export progress on one terminal line, rewritten in place. Does nothing unless the
 * stream is a TTY, so logs and pipes never receive carriage returns.
 */
export class ProgressLine {
  private readonly startedAt = Date.now();
  private lastUpdate = 0;
  private shown = false;

  constructor(private readonly stream: NodeJS.WritableStream & { isTTY?: boolean }) {}

  update(scanned: number, exported: number, force = false): void {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (!force && now - this.lastUpdate < UPDATE_INTERVAL_MS) return;
    this.lastUpdate = now;
    const perSecond = Math.round(scanned / Math.max(0.001, (now - this.startedAt) / 1000));
    this.stream.write(`\rscanned ${scanned.toLocaleString('en-US')} verdicts, exported ${exported.toLocaleString('en-US')} (${perSecond.toLocaleString('en-US')} verdicts/s)`);
    this.shown = true;
  }

  /** Ends the progress line so that the next output starts on a fresh line. */
  finish(scanned: number, exported: number): void {
    this.update(scanned, exported, true);
    if (this.shown) this.stream.write('\n');
  }
}
