// How services behave while PostgreSQL or Redis is out: they answer 503 (or do without Redis)
// within bounded time, and say so in the log once per interval instead of once per request.
export { CircuitBreaker, CircuitOpenError } from './circuit-breaker';
export type { CircuitBreakerOptions } from './circuit-breaker';
export { asDatabaseOutage, databaseOutage, DatabaseUnavailableError, OUTAGE_RETRY_AFTER_SECONDS } from './database-outage';
export type { DatabaseOutage } from './database-outage';
export { FAILURE_LOG_INTERVAL_MS, FailureLog, OutageLogs } from './failure-log';
export type { OutageWriters } from './failure-log';
export { blockingRedisOptions, failFastRedisOptions, REDIS_COMMAND_TIMEOUT_MS, REDIS_CONNECT_TIMEOUT_MS, REDIS_RETRY_MS } from './redis-options';
export { withTimeout } from './with-timeout';
export { redisBreaker } from './redis-breaker';
export { openSyslogForwarder, parseSyslogEndpoint, SyslogForwarder, syslogEndpointProblem, syslogLine } from './syslog-forwarder';
export type { SyslogForwarderOptions, SyslogLog, SyslogProtocol, SyslogTarget } from './syslog-forwarder';
