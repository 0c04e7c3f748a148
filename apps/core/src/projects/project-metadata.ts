import { badRequest } from '../http/harbor-error';

/** Keys whose value is a boolean; Harbor parses them as Go's strconv.ParseBool does. */
const BOOLEAN_KEYS = new Set([
  'public',
  'enable_content_trust',
  'enable_content_trust_cosign',
  'auto_sbom_generation',
  'prevent_vul',
  'auto_scan',
  'reuse_sys_cve_allowlist',
  'proxy_cache_local_on_not_found',
]);

/** Keys whose value is a 32-bit integer (proxy-cache settings: kept, though Wharf has no proxy cache). */
const INT32_KEYS = new Set(['proxy_speed_kb', 'max_upstream_conn']);

const TRUE_SPELLINGS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_SPELLINGS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** CVSS v3 rankings a project may block pulls at; `negligible` is read as `none`, as Harbor does. */
const SEVERITIES = new Set(['none', 'low', 'medium', 'high', 'critical']);

/**
 * The value Harbor stores for `key` (booleans and numbers in one spelling, severities in lower
 * case); 400 for a key the metadata API does not manage or a value that does not parse. Keys set
 * elsewhere (retention_id by the retention API) are refused here, as in Harbor.
 */
export function normalizeMetadata(key: string, value: string): string {
  const invalid = () => badRequest(`invalid value: ${value}`);
  if (BOOLEAN_KEYS.has(key)) {
    if (TRUE_SPELLINGS.has(value)) return 'true';
    if (FALSE_SPELLINGS.has(value)) return 'false';
    throw invalid();
  }
  if (key === 'severity') {
    const lower = value.toLowerCase();
    if (lower === 'negligible') return 'none';
    if (SEVERITIES.has(lower)) return lower;
    throw invalid();
  }
  if (INT32_KEYS.has(key)) {
    if (!/^[+-]?\d{1,20}$/.test(value)) throw invalid();
    const n = Number(value);
    if (n < -2_147_483_648 || n > 2_147_483_647) throw invalid();
    return String(n);
  }
  throw badRequest(`invalid key: ${key}`);
}

/** The body as a map of strings; 400 for anything else (an array, a number as a value). */
export function metadataBody(body: unknown): Record<string, string> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('the request body must be an object of string values');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value !== 'string') throw badRequest(`the value of ${key} must be a string`);
    out[key] = value;
  }
  return out;
}

/** The single key/value pair the metadata API takes at a time, normalised. */
export function singleMetadata(metadata: Record<string, string>): [string, string] {
  const entries = Object.entries(metadata);
  if (entries.length !== 1) throw badRequest('give exactly one key/value pair');
  const [key, value] = entries[0];
  return [key, normalizeMetadata(key, value)];
}
