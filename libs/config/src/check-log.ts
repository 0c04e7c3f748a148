import type { Checker } from './checker';
import { HARBOR_DEFAULTS, HARBOR_LOG_LEVELS, type LogConfig } from './harbor-config';
import { parseRotateSize } from './rotate-size';

function checkRotateSize(c: Checker): { size: string; bytes: number } | undefined {
  const key = ['log', 'local', 'rotate_size'];
  const raw = c.value(key);
  if (raw === undefined) return parseRotateSize(HARBOR_DEFAULTS.logRotateSize) as { size: string; bytes: number };
  if (typeof raw !== 'string' && typeof raw !== 'number') return void c.problem(key, `expected a size like 200M, got a ${Array.isArray(raw) ? 'list' : typeof raw}`);
  const parsed = parseRotateSize(raw);
  if ('problem' in parsed) return void c.problem(key, parsed.problem);
  return parsed;
}

export function checkLog(c: Checker): LogConfig | undefined {
  c.section(['log']);
  if (c.value(['log', 'external_endpoint']) !== undefined) {
    c.problem(['log', 'external_endpoint'], 'sending logs to a syslog endpoint is not supported yet; logs stay in log.local.location', 'key');
  }
  const level = c.oneOf(['log', 'level'], HARBOR_LOG_LEVELS) ?? HARBOR_DEFAULTS.logLevel;
  c.section(['log', 'local']);
  const rotate_count = c.integer(['log', 'local', 'rotate_count'], { min: 0, max: 100_000 }) ?? HARBOR_DEFAULTS.logRotateCount;
  const size = checkRotateSize(c);
  const locationKey = ['log', 'local', 'location'];
  const location = c.absolutePath(locationKey, 'the directory for log files') ?? (c.value(locationKey) === undefined ? HARBOR_DEFAULTS.logLocation : undefined);
  if (!size || location === undefined) return undefined;
  return { level, local: { rotate_count, rotate_size: size.size, rotate_size_bytes: size.bytes, location } };
}
