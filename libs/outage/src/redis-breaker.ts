import { CircuitBreaker } from './circuit-breaker';
import type { OutageLogs } from './failure-log';
import { REDIS_RETRY_MS } from './redis-options';

/**
 * The breaker of one use of Redis (`use` names it in the log: "cache versions", "login
 * throttle"): after a failed or timed-out command the process goes without Redis for that use for
 * `openMs`, and the failure goes to the process's Redis outage log.
 */
export function redisBreaker(outages: OutageLogs, use: string, openMs = REDIS_RETRY_MS): CircuitBreaker {
  return new CircuitBreaker({
    name: `redis (${use})`,
    openMs,
    onOpen: (err) =>
      outages.redis.report(`failed to reach redis for the ${use}`, `${(err as Error)?.message ?? String(err)}; going without it for ${Math.round(openMs / 1000)} s`),
  });
}
