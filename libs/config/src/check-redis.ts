import type { Checker } from './checker';
import { HARBOR_DEFAULTS, type HarborConfig } from './harbor-config';
import { hostProblem } from './host-name';

const DB_INDEX = { min: 0, max: Number.MAX_SAFE_INTEGER };

function checkRedisHost(c: Checker, key: string[]): string | undefined {
  const host = c.string(key, { required: 'the Redis server as host:port' });
  if (host === undefined) return undefined;
  if (host.includes(',')) return void c.problem(key, 'several hosts (Redis Sentinel) are not supported yet; give one server as host:port');
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(host) ?? /^([^:[\]]+):(\d+)$/.exec(host);
  if (!m) return void c.problem(key, `must be host:port, like redis.example.com:6379, got ${JSON.stringify(host)}`);
  const problem = hostProblem(m[1]);
  if (problem) return void c.problem(key, `its host ${problem}`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return void c.problem(key, `its port must be between 1 and 65535, got ${m[2]}`);
  return host;
}

export function checkExternalRedis(c: Checker): HarborConfig['external_redis'] {
  const key = ['external_redis'];
  if (!c.section(key)) return undefined;
  const host = checkRedisHost(c, [...key, 'host']);
  if (c.value([...key, 'sentinel_master_set']) !== undefined) c.problem([...key, 'sentinel_master_set'], 'Redis Sentinel is not supported yet', 'key');
  if (c.section([...key, 'tlsOptions']) && c.boolean([...key, 'tlsOptions', 'enable']) === true) {
    c.problem([...key, 'tlsOptions', 'enable'], 'TLS connections to Redis are not supported yet');
  }
  const password = c.string([...key, 'password'], { secret: true });
  const username = c.string([...key, 'username']);
  const registry_db_index = c.integer([...key, 'registry_db_index'], DB_INDEX) ?? HARBOR_DEFAULTS.redisRegistryDbIndex;
  const jobservice_db_index = c.integer([...key, 'jobservice_db_index'], DB_INDEX) ?? HARBOR_DEFAULTS.redisJobserviceDbIndex;
  const core_db_index = c.integer([...key, 'core_db_index'], DB_INDEX) ?? HARBOR_DEFAULTS.redisCoreDbIndex;
  if (host === undefined) return undefined;
  return {
    host,
    ...(password !== undefined ? { password } : {}),
    ...(username !== undefined ? { username } : {}),
    registry_db_index,
    jobservice_db_index,
    core_db_index,
  };
}
