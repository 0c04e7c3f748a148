import { closestKey, normalizeKey } from './closest-key';
import type { KeyPath } from './yaml-source';

/**
 * Every key harbor.yml may hold. Harbor's own file must keep working when copied over, so
 * Harbor's keys that mean nothing to Wharf are known too: `ignored` ones are accepted with a
 * note; `checked` subtrees hold settings Wharf refuses when they ask for something it cannot
 * do yet (the section checks say which). Anything else is a typo or a key from elsewhere.
 */
export type KeySpec =
  | { kind: 'value' }
  | { kind: 'checked' }
  | { kind: 'ignored'; why: string }
  | { kind: 'section'; keys: Readonly<Record<string, KeySpec>> };

const value: KeySpec = { kind: 'value' };
/** Any content; the section's check decides (e.g. refuses `storage_service.s3`). */
const checked: KeySpec = { kind: 'checked' };
const ignored = (why: string): KeySpec => ({ kind: 'ignored', why });
const section = (keys: Record<string, KeySpec>): KeySpec => ({ kind: 'section', keys });

const REDIS_INDEX_UNUSED = 'Wharf keeps that data in the databases it already uses';

export const HARBOR_KEYS = section({
  hostname: value,
  http: section({ port: value }),
  https: section({
    port: value,
    certificate: value,
    private_key: value,
    strong_ssl_ciphers: ignored('the gateway always uses its own TLS settings'),
  }),
  ip_family: ignored('the gateway does not take this setting'),
  internal_tls: checked,
  external_url: value,
  harbor_admin_password: value,
  database: section({
    password: value,
    max_idle_conns: value,
    max_open_conns: value,
    conn_max_lifetime: ignored('connections are kept for the life of each process'),
    conn_max_idle_time: ignored('connections are kept for the life of each process'),
  }),
  data_volume: value,
  storage_service: section({
    ca_bundle: ignored('only external storage drivers use it, and only filesystem is supported'),
    filesystem: section({
      rootdirectory: value,
      maxthreads: ignored('the registry does not limit filesystem threads'),
    }),
    redirect: ignored('blobs are served by the gateway, never by redirects to external storage'),
    s3: checked,
    azure: checked,
    gcs: checked,
    swift: checked,
    oss: checked,
  }),
  trivy: ignored('Wharf does not run Trivy'),
  jobservice: section({
    max_job_workers: value,
    max_job_duration_hours: ignored('not configurable in Wharf'),
    job_loggers: ignored('job logs go to the log directory'),
    logger_sweeper_duration: ignored('job logs are rotated with the other logs'),
  }),
  notification: section({
    webhook_job_max_retry: value,
    webhook_job_http_client_timeout: value,
  }),
  log: section({
    level: value,
    local: section({ rotate_count: value, rotate_size: value, location: value }),
    external_endpoint: checked,
  }),
  _version: ignored(''),
  external_database: section({
    harbor: section({
      host: value,
      port: value,
      db_name: value,
      username: value,
      password: value,
      ssl_mode: value,
      max_idle_conns: value,
      max_open_conns: value,
    }),
  }),
  redis: ignored('the bundled Redis chooses its own database numbers'),
  external_redis: section({
    host: value,
    password: value,
    username: value,
    sentinel_master_set: checked,
    tlsOptions: checked,
    registry_db_index: value,
    jobservice_db_index: value,
    core_db_index: value,
    trivy_db_index: ignored('Wharf does not run Trivy'),
    harbor_db_index: ignored(REDIS_INDEX_UNUSED),
    cache_layer_db_index: ignored(REDIS_INDEX_UNUSED),
    idle_timeout_seconds: ignored('not configurable in Wharf'),
  }),
  uaa: ignored('Wharf does not support UAA'),
  proxy: section({ http_proxy: value, https_proxy: value, no_proxy: value, components: value }),
  network: ignored('Wharf does not send webhooks yet'),
  metric: section({ enabled: value, port: value, path: value }),
  trace: checked,
  upload_purging: ignored('not configurable in Wharf'),
  cache: ignored('not configurable in Wharf'),
  core: ignored('not configurable in Wharf'),
  wharf: section({
    registry_workers: value,
    core_port: value,
    registry_port: value,
    storage_reserve_mb: value,
    manifest_urls: section({ allow: value, deny: value }),
  }),
});

export interface KeyFinding {
  path: KeyPath;
  reason: string;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every known key path whose last part is `key` (normalized), for keys written at the wrong level. */
function pathsEndingWith(key: string, spec: KeySpec, prefix: string[] = [], out: string[][] = []): string[][] {
  if (spec.kind !== 'section') return out;
  for (const [name, child] of Object.entries(spec.keys)) {
    const path = [...prefix, name];
    if (normalizeKey(name) === normalizeKey(key) && child.kind !== 'ignored') out.push(path);
    pathsEndingWith(key, child, path, out);
  }
  return out;
}

function unknownKeyReason(key: string, path: KeyPath, siblings: readonly string[]): string {
  const close = closestKey(key, siblings);
  if (close !== undefined) return `unknown key; did you mean "${close}"?`;
  const elsewhere = pathsEndingWith(key, HARBOR_KEYS).map((p) => p.join('.'));
  if (elsewhere.length > 0) return `unknown key here; did you mean ${elsewhere.map((p) => `"${p}"`).join(' or ')}?`;
  const where = path.length > 1 ? `under ${path.slice(0, -1).join('.')}` : 'at the top level';
  return `unknown key; the keys known ${where} are ${siblings.join(', ')}`;
}

/**
 * Walks the document against HARBOR_KEYS: unknown keys become problems, ignored Harbor keys
 * become notes. Values of the wrong shape are left to the section checks.
 */
export function checkKeys(doc: unknown, spec: KeySpec = HARBOR_KEYS, path: KeyPath = []): { problems: KeyFinding[]; notes: KeyFinding[] } {
  const problems: KeyFinding[] = [];
  const notes: KeyFinding[] = [];
  if (spec.kind === 'ignored') {
    if (doc !== null && doc !== undefined && spec.why) notes.push({ path, reason: `ignored: ${spec.why}` });
  } else if (spec.kind === 'section' && isMapping(doc)) {
    const siblings = Object.keys(spec.keys);
    for (const [key, child] of Object.entries(doc)) {
      const childPath = [...path, key];
      const childSpec = Object.hasOwn(spec.keys, key) ? spec.keys[key] : undefined;
      if (!childSpec) {
        problems.push({ path: childPath, reason: unknownKeyReason(key, childPath, siblings) });
        continue;
      }
      const found = checkKeys(child, childSpec, childPath);
      problems.push(...found.problems);
      notes.push(...found.notes);
    }
  }
  return { problems, notes };
}
