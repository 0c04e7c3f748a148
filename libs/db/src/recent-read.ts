/**
 * A value read at most `ttlMs` ago, shared by every caller meanwhile (one read in flight at a
 * time): what a replica uses for settings another replica may change. A failed read is not
 * remembered, so the next caller reads again; `onError` hears of each failed read once.
 */
export class RecentRead<T> {
  private cached: { until: number; value: Promise<T> } | undefined;

  constructor(
    private readonly ttlMs: number,
    private readonly read: () => Promise<T>,
    private readonly onError: (err: unknown) => void = () => undefined,
    /** Milliseconds; tests pass their own to step time without waiting. */
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<T> {
    const now = this.now();
    if (this.cached && this.cached.until > now) return this.cached.value;
    const value = this.read();
    const entry = { until: now + this.ttlMs, value };
    this.cached = entry;
    value.catch((err: unknown) => {
      if (this.cached === entry) this.cached = undefined;
      this.onError(err);
    });
    return value;
  }

  /** The next get() reads afresh (after a change made through this process). */
  forget(): void {
    this.cached = undefined;
  }
}
