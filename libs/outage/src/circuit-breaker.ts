/** Raised instead of running the work while the circuit is open. */
export class CircuitOpenError extends Error {
  constructor(what: string) {
    super(`${what} is skipped after a recent failure`);
    this.name = 'CircuitOpenError';
  }
}

export interface CircuitBreakerOptions {
  /** What is guarded, for messages ("redis"). */
  name: string;
  /** How long the dependency is skipped after a failure. */
  openMs: number;
  /** Called with the failure that opened (or reopened) the circuit. */
  onOpen?: (err: unknown) => void;
}

/**
 * Skips a dependency for a while after it failed, so that callers who can do without it (a cache
 * version, a throttle counter, an event stream) pay its timeout once, not on every request while it
 * is out. Once `openMs` has passed, one call goes through as a probe while the others still skip;
 * its outcome closes the circuit or opens it again.
 */
export class CircuitBreaker {
  private openUntil = 0;
  private probing = false;

  constructor(private readonly options: CircuitBreakerOptions) {}

  /** False while calls are skipped. */
  get closed(): boolean {
    return this.openUntil === 0;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    let probe = false;
    if (this.openUntil !== 0) {
      if (this.probing || Date.now() < this.openUntil) throw new CircuitOpenError(this.options.name);
      probe = this.probing = true;
    }
    try {
      const result = await work();
      this.openUntil = 0;
      return result;
    } catch (err) {
      this.openUntil = Date.now() + this.options.openMs;
      this.options.onOpen?.(err);
      throw err;
    } finally {
      if (probe) this.probing = false;
    }
  }
}
