import type { CircuitBreaker } from '@wharf/outage';
import type Redis from 'ioredis';

/**
 * Failures that lock: one user name from one address (`pair`), one address for every user name
 * (`address`); once a user name has `user` failures from anywhere, each address that has failed for
 * it at all is locked for it.
 */
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
 * Slows online password guessing down, across every replica (the counters live in Redis), without
 * letting anyone lock a user out: a lock always concerns an address that has been failing itself.
 * - five wrong passwords for one user from one address lock that pair for the window;
 * - an address guessing many users (50 failures) is locked for every user;
 * - a user guessed from many addresses (100 failures in all) locks each of those addresses at its
 *   first failure for that user, so that spreading guesses over addresses gains little; an
 *   address that has not failed for the user still logs in with the right password.
 * While locked, credentials are not even checked. Without Redis the throttle is open (logins keep
 * working; Redis down or not answering in time). An administrator can clear a user's counters (`clear`).
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

  private pairKey(user: string, address: string): string {
    return `${this.prefix}pair:${user}\u0000${address}`;
  }

  /** The addresses that have failed for a user, so that `clear` finds their pair counters. */
  private addressesKey(user: string): string {
    return `${this.prefix}addrs:${user}`;
  }

  private keys(username: string, address: string): { pair: string; addr: string; user: string; addresses: string } {
    const user = username.toLowerCase();
    const p = this.prefix;
    return { pair: this.pairKey(user, address), addr: `${p}addr:${address}`, user: `${p}user:${user}`, addresses: this.addressesKey(user) };
  }

  /** True when attempts for this user from this address must be refused without checking. */
  async locked(username: string, address: string): Promise<boolean> {
    const keys = this.keys(username, address);
    try {
      const counts = await this.guarded(() => this.redis.mget(keys.pair, keys.addr, keys.user));
      const [pair, addr, user] = counts.map((c) => Number(c ?? 0));
      return pair >= this.limits.pair || addr >= this.limits.address || (user >= this.limits.user && pair > 0);
    } catch {
      return false;
    }
  }

  async failed(username: string, address: string): Promise<void> {
    const keys = this.keys(username, address);
    try {
      await this.guarded(() => {
        const multi = this.redis.multi();
        for (const key of [keys.pair, keys.addr, keys.user]) multi.incr(key).pexpire(key, this.windowMs);
        multi.sadd(keys.addresses, address).pexpire(keys.addresses, this.windowMs);
        return multi.exec();
      });
    } catch {
      // Counting is best effort.
    }
  }

  /** A successful login clears the pair's count (not the address's or the user's). */
  async succeeded(username: string, address: string): Promise<void> {
    try {
      await this.guarded(() => this.redis.del(this.keys(username, address).pair));
    } catch {
      // best effort
    }
  }

  /**
   * Forgets a user name's failures: its count and those of every address for it, which unlocks
   * the user from everywhere but an address locked for guessing many users. Rejects when Redis
   * cannot be reached.
   */
  async clear(username: string): Promise<void> {
    const user = username.toLowerCase();
    const addresses = await this.redis.smembers(this.addressesKey(user));
    await this.redis.del(`${this.prefix}user:${user}`, this.addressesKey(user), ...addresses.map((a) => this.pairKey(user, a)));
  }

  private guarded<T>(work: () => Promise<T>): Promise<T> {
    return this.breaker ? this.breaker.run(work) : work();
  }
}
