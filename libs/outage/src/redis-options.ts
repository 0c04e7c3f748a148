import type { RedisOptions } from 'ioredis';

/** How long a connection attempt to Redis may take (TCP connect) before it is retried. */
export const REDIS_CONNECT_TIMEOUT_MS = 2_000;
/** How long a command may wait for Redis's answer on a fail-fast connection (REDIS_TIMEOUT_MS). */
export const REDIS_COMMAND_TIMEOUT_MS = 500;
/** How long a process goes without Redis after a fail-fast command failed (see CircuitBreaker). */
export const REDIS_RETRY_MS = 5_000;

/**
 * A connection whose callers can do without Redis (cache versions, login throttle counters, event
 * publishing): a command fails at once while the connection is down and after `commandTimeoutMs`
 * while Redis does not answer. A frozen Redis keeps its connections open and accepts new ones, so
 * without the command timeout nothing would ever end a command sent to it.
 */
export function failFastRedisOptions(connectionName: string, commandTimeoutMs = REDIS_COMMAND_TIMEOUT_MS): RedisOptions {
  return {
    connectionName,
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    commandTimeout: commandTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
  };
}

/**
 * A connection that waits in blocking commands (BullMQ workers' BZPOPMIN, XREADGROUP BLOCK): no
 * command timeout, which would end every wait, and no retry limit (BullMQ requires null). A
 * frozen Redis only holds up its jobs, which go on when it answers again.
 */
export function blockingRedisOptions(connectionName: string): RedisOptions {
  return { connectionName, connectTimeout: REDIS_CONNECT_TIMEOUT_MS, maxRetriesPerRequest: null };
}
