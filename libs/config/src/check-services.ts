import type { Checker } from './checker';
import type { KeyPath } from './yaml-source';
import { closestKey } from './closest-key';
import { HARBOR_DEFAULTS, PROXY_COMPONENTS, type HarborConfig } from './harbor-config';

type Services = Pick<HarborConfig, 'jobservice' | 'notification' | 'metric' | 'proxy' | 'wharf'>;

function checkMetric(c: Checker): HarborConfig['metric'] {
  if (!c.section(['metric'])) return undefined;
  const path = c.string(['metric', 'path']) ?? HARBOR_DEFAULTS.metricPath;
  if (!/^\/[^\s?#]*$/.test(path)) c.problem(['metric', 'path'], `must be a URL path starting with "/", got ${JSON.stringify(path)}`);
  return {
    enabled: c.boolean(['metric', 'enabled']) ?? HARBOR_DEFAULTS.metricEnabled,
    port: c.port(['metric', 'port']) ?? HARBOR_DEFAULTS.metricPort,
    path,
  };
}

function proxyUrl(c: Checker, key: string[]): string | undefined {
  const raw = c.string(key);
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  // Not echoed: proxy URLs often carry credentials.
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    return void c.problem(key, 'must be an http:// or https:// URL, like http://proxy.example.com:3128');
  }
  return raw;
}

function checkProxy(c: Checker): HarborConfig['proxy'] {
  if (!c.section(['proxy'])) return undefined;
  const http_proxy = proxyUrl(c, ['proxy', 'http_proxy']);
  const https_proxy = proxyUrl(c, ['proxy', 'https_proxy']);
  const no_proxy = c.string(['proxy', 'no_proxy']);
  const listed = c.stringList(['proxy', 'components']) ?? [];
  const components: string[] = [];
  listed.forEach((name, i) => {
    if ((PROXY_COMPONENTS as readonly string[]).includes(name)) {
      if (!components.includes(name)) components.push(name);
      return;
    }
    const close = closestKey(name, PROXY_COMPONENTS);
    const hint = close === undefined ? '' : ` (did you mean "${close}"?)`;
    c.problem(['proxy', 'components', i], `unknown component ${JSON.stringify(name)}; expected ${PROXY_COMPONENTS.join(', ')}${hint}`);
  });
  return {
    ...(http_proxy !== undefined ? { http_proxy } : {}),
    ...(https_proxy !== undefined ? { https_proxy } : {}),
    ...(no_proxy !== undefined ? { no_proxy } : {}),
    components,
  };
}

/** A list of regular expressions (JavaScript syntax, as the registry compiles them). */
function patternList(c: Checker, path: KeyPath): string[] | undefined {
  const list = c.stringList(path);
  list?.forEach((pattern, i) => {
    try {
      new RegExp(pattern);
    } catch (err) {
      c.problem([...path, i], `is not a regular expression: ${(err as Error).message}`);
    }
  });
  return list !== undefined && list.length > 0 ? list : undefined;
}

function checkManifestUrls(c: Checker): NonNullable<HarborConfig['wharf']>['manifest_urls'] {
  if (!c.section(['wharf', 'manifest_urls'])) return undefined;
  const allow = patternList(c, ['wharf', 'manifest_urls', 'allow']);
  const deny = patternList(c, ['wharf', 'manifest_urls', 'deny']);
  if (allow === undefined && deny === undefined) return undefined;
  return { ...(allow ? { allow } : {}), ...(deny ? { deny } : {}) };
}

function checkWharf(c: Checker): HarborConfig['wharf'] {
  c.section(['wharf']);
  // The registry's own limit on worker processes.
  const registry_workers = c.integer(['wharf', 'registry_workers'], { min: 1, max: 64 });
  const storage_reserve_mb = c.integer(['wharf', 'storage_reserve_mb'], { min: 0, max: 1024 * 1024 });
  const manifest_urls = checkManifestUrls(c);
  return {
    ...(registry_workers !== undefined ? { registry_workers } : {}),
    ...(storage_reserve_mb !== undefined ? { storage_reserve_mb } : {}),
    core_port: c.port(['wharf', 'core_port']) ?? HARBOR_DEFAULTS.corePort,
    registry_port: c.port(['wharf', 'registry_port']) ?? HARBOR_DEFAULTS.registryPort,
    ...(manifest_urls ? { manifest_urls } : {}),
  };
}

/** Harbor features a copied harbor.yml may switch on that Wharf cannot provide yet. */
function refuseUnsupported(c: Checker): void {
  if (c.section(['internal_tls']) && c.boolean(['internal_tls', 'enabled']) === true) {
    c.problem(['internal_tls', 'enabled'], 'TLS between Wharf’s own services is not supported yet (they talk over 127.0.0.1 and unix sockets)');
  }
  if (c.section(['trace']) && c.boolean(['trace', 'enabled']) === true) {
    c.problem(['trace', 'enabled'], 'tracing is not supported yet');
  }
}

/** jobservice, notification, metric, proxy and Wharf's own keys. */
export function checkServices(c: Checker): Services {
  refuseUnsupported(c);
  c.section(['jobservice']);
  c.section(['notification']);
  return {
    // The jobservice runs them as concurrent tasks of one process: it refuses more than 100.
    jobservice: { max_job_workers: c.integer(['jobservice', 'max_job_workers'], { min: 1, max: 100 }) ?? HARBOR_DEFAULTS.maxJobWorkers },
    notification: {
      webhook_job_max_retry: c.integer(['notification', 'webhook_job_max_retry'], { min: 0, max: 1000 }) ?? HARBOR_DEFAULTS.webhookJobMaxRetry,
      webhook_job_http_client_timeout: c.integer(['notification', 'webhook_job_http_client_timeout'], { min: 1, max: 3600 }) ?? HARBOR_DEFAULTS.webhookJobHttpClientTimeout,
    },
    metric: checkMetric(c),
    proxy: checkProxy(c),
    wharf: checkWharf(c),
  };
}
