import { treeMemory } from './process-tree';

/**
 * Samples the summed RSS (and PSS) of a process tree on a timer. Keeps the overall peaks and the
 * RSS peak of the current window (one scenario). RSS counts pages shared between cluster workers
 * once per process, as `ps` does: an upper bound of the memory the tree needs; PSS splits them.
 */
export class RssSampler {
  private timer?: NodeJS.Timeout;
  peakBytes = 0;
  peakPssBytes = 0;
  windowPeakBytes = 0;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 200,
  ) {}

  /** Takes a sample; returns the RSS. */
  sample(): number {
    return this.sampleBoth().rssBytes;
  }

  sampleBoth(): { rssBytes: number; pssBytes: number } {
    const m = treeMemory(this.pid);
    this.peakBytes = Math.max(this.peakBytes, m.rssBytes);
    this.peakPssBytes = Math.max(this.peakPssBytes, m.pssBytes);
    this.windowPeakBytes = Math.max(this.windowPeakBytes, m.rssBytes);
    return m;
  }

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  /** Starts a new window; returns the peak of the one that ended (including a final sample). */
  nextWindow(): number {
    this.sample();
    const peak = this.windowPeakBytes;
    this.windowPeakBytes = 0;
    return peak;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
