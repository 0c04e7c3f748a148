/**
 * The data plane's audit trail settings. Kept apart from `RegistryConfig` so the feature is one
 * folder that can be switched off; `REGISTRY_AUDIT=false` turns every recorder into a no-op.
 */
export interface RegistryAuditConfig {
  enabled: boolean;
  /** Buffered events are written at least this often. */
  flushMs: number;
  /** A buffer this full is written at once, in one INSERT; larger backlogs go in chunks of this size. */
  batchSize: number;
  /**
   * Events held while the database does not take them; beyond this, new events are dropped (and
   * counted in the log) rather than growing the heap of a registry under a pull storm.
   */
  maxPending: number;
}

export const AUDIT_CONFIG = Symbol('AUDIT_CONFIG');

function flag(env: NodeJS.ProcessEnv, key: string, fallback: boolean): boolean {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = raw.trim().toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new Error(`invalid ${key}: "${raw}" (expected true or false)`);
}

function int(env: NodeJS.ProcessEnv, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`invalid ${key}: "${raw}" is not an integer between ${min} and ${max}`);
  return n;
}

export function loadAuditConfig(env: NodeJS.ProcessEnv = process.env): RegistryAuditConfig {
  const batchSize = int(env, 'REGISTRY_AUDIT_BATCH', 500, 1, 10_000);
  return {
    enabled: flag(env, 'REGISTRY_AUDIT', true),
    flushMs: int(env, 'REGISTRY_AUDIT_FLUSH_MS', 1_000, 10, 60_000),
    batchSize,
    maxPending: Math.max(batchSize, 100_000),
  };
}
