import type { CircuitBreaker } from '@wharf/outage';
import type Redis from 'ioredis';

/** Failures that lock one user name from one address, one address, and one user name. */
export const THROTTLE_LIMITS = { pair: 5, address: 50, user: 100 } as const;
/** The window failures are counted in; each failure extends it. */
export const THROTTLE_WINDOW_SECONDS = 15 * 60;

const PREFIX = 'wharf:login-failures:';

export interface LoginThrottleOptions {
  /** How long failures are remembered, in seconds (fractions allowed); each failure extends it. */
  windowSeconds?: number;
  /** Failure counts that lock; defaults to THROTTLE_LIMITS. */
  limits?: Partial<Record<keyof typeof THROTTLE_LIMITS, number>>;
  /** Redis key prefix, so that installations (or tests) sharing one Redis stay apart. */
  keyPrefix?: string;
  /**
   * Skips Redis for a while after it failed or did not answer in time, so that a Redis that is
   * out costs one timeout, not one per login (see the connection's command timeout).
   */
  breaker?: CircuitBreaker;
}

/**
 * Slows online password guessing down, across every replica (the counters live in Redis):
 * five wrong passwords for one user from one address lock that pair for the window; an address
 * guessing many users, or many addresses guessing one user, are locked at higher counts. While
 * locked, credentials are not even checked. Without Redis (down, or not answering in time) the
 * throttle is open: logins keep working.
 */
export class LoginThrottle {
  private readonly windowMs: number;
  private readonly limits: Record<keyof typeof THROTTLE_LIMITS, number>;
  private readonly prefix: string;
  private readonly breaker: CircuitBreaker | undefined;

  constructor(
    private readonly redis: Redis,
    options: LoginThrottleOptions = {},
  ) {
    this.breaker = options.breaker;
    // Milliseconds (PEXPIRE) so that short windows stay exact; never below 1 ms.
    this.windowMs = Math.max(1, Math.round((options.windowSeconds ?? THROTTLE_WINDOW_SECONDS) * 1000));
    this.limits = { ...THROTTLE_LIMITS, ...options.limits };
    this.prefix = options.keyPrefix ?? PREFIX;
  }

  private keys(username: string, address: string): [string, string, string] {
    const user = username.toLowerCase();
    const p = this.prefix;
    return [`${p}pair:${user}\u0000${address}`, `${p}addr:${address}`, `${p}user:${user}`];
  }

  /** True when attempts for this user from this address must be refused without checking. */
  async locked(username: string, address: string): Promise<boolean> {
    try {
      const [pair, addr, user] = await this.guarded(() => this.redis.mget(...this.keys(username, address)));
      return (
        Number(pair ?? 0) >= this.limits.pair || Number(addr ?? 0) >= this.limits.address || Number(user ?? 0) >= this.limits.user
      );
    } catch {
      return false;
    }
  }

  async failed(username: string, address: string): Promise<void> {
    try {
      await this.guarded(() => {
        const multi = this.redis.multi();
        for (const key of this.keys(username, address)) multi.incr(key).pexpire(key, this.windowMs);
        return multi.exec();
      });
    } catch {
      // Counting is best effort.
    }
  }

  /** A successful login clears the pair's count (not the address's or the user's). */
  async succeeded(username: string, address: string): Promise<void> {
    try {
      await this.guarded(() => this.redis.del(this.keys(username, address)[0]));
    } catch {
      // best effort
    }
  }

  private guarded<T>(work: () => Promise<T>): Promise<T> {
    return this.breaker ? this.breaker.run(work) : work();
  }
}
