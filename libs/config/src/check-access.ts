import { passwordProblem } from '@wharf/auth';
import { resolve } from 'node:path';
import type { Checker } from './checker';
import { HARBOR_DEFAULTS, type HarborConfig } from './harbor-config';
import { hostProblem, isLoopback } from './host-name';
import { checkTlsFiles } from './tls-files';

// The hostname Harbor's and Wharf's templates ship with.
const EXAMPLE_HOSTNAME = 'reg.mydomain.com';
// The certificate paths Harbor's template ships with (uncommented), and Wharf's (commented out).
const TEMPLATE_PATHS = ['/your/certificate/path', '/your/private/key/path'];

type Access = Pick<HarborConfig, 'hostname' | 'http' | 'https' | 'external_url' | 'harbor_admin_password'>;

function checkHostname(c: Checker): string | undefined {
  const hostname = c.string(['hostname'], { required: 'the DNS name or IP address clients use to reach this registry' });
  if (hostname === undefined) return undefined;
  const problem = hostProblem(hostname);
  if (problem) return void c.problem(['hostname'], problem);
  if (hostname === EXAMPLE_HOSTNAME) c.note(['hostname'], `still the template's example; set the name clients will use`);
  else if (isLoopback(hostname)) c.note(['hostname'], 'only clients on this machine can reach the registry by this name');
  return hostname;
}

/** Where clients reach the registry when a proxy or load balancer sits in front of it. */
function checkExternalUrl(c: Checker): string | undefined {
  const key = ['external_url'];
  const raw = c.string(key);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return void c.problem(key, 'is not a URL; expected e.g. https://registry.example.com');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return void c.problem(key, `must start with http:// or https://, got ${url.protocol}//`);
  if (url.username || url.password) return void c.problem(key, 'must not contain a user name or password');
  if (url.search || url.hash) return void c.problem(key, 'must not have a query or fragment');
  // Registry clients always talk to /v2/ at the root of the host.
  if (url.pathname !== '/') return void c.problem(key, `must not have a path (clients always use /v2/ at the root), got ${url.pathname}`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const problem = hostProblem(host);
  if (problem) return void c.problem(key, `its host ${problem}`);
  return `${url.protocol}//${url.host}`;
}

function checkAdminPassword(c: Checker): string | undefined {
  const key = ['harbor_admin_password'];
  const password = c.string(key, { required: 'the initial password of the admin user', secret: true });
  if (password === undefined) return undefined;
  const problem = passwordProblem(password);
  if (problem) return void c.problem(key, problem);
  return password;
}

/** hostname, http, https, external_url and the admin password: how clients get in. */
export function checkAccess(c: Checker): Partial<Access> {
  const hostname = checkHostname(c);
  c.section(['http']);
  const http = { port: c.port(['http', 'port']) ?? HARBOR_DEFAULTS.httpPort };
  const external_url = checkExternalUrl(c);

  let https: Access['https'];
  if (c.section(['https'])) {
    const port = c.port(['https', 'port']) ?? HARBOR_DEFAULTS.httpsPort;
    const certificate = c.string(['https', 'certificate'], { required: 'the path of the PEM certificate the gateway presents' });
    const privateKey = c.string(['https', 'private_key'], { required: 'the path of the PEM private key of that certificate' });
    if (certificate !== undefined && privateKey !== undefined) {
      https = { port, certificate: resolve(c.baseDir, certificate), private_key: resolve(c.baseDir, privateKey) };
      const placeholders = [['certificate', certificate], ['private_key', privateKey]].filter(([, path]) => TEMPLATE_PATHS.includes(path));
      for (const [key] of placeholders) c.problem(['https', key], `still the template's placeholder; give the path of your PEM file, or comment out the https section to serve plain HTTP`);
      const clientHost = external_url === undefined ? hostname : new URL(external_url).hostname.replace(/^\[(.*)\]$/, '$1');
      if (placeholders.length === 0) checkTlsFiles(c, https.certificate, https.private_key, clientHost);
    }
  }

  return { hostname, http, https, external_url, harbor_admin_password: checkAdminPassword(c) };
}
