import { join } from 'node:path';
import { bracketed, checkHost, checkPath, checkPort, checkUpstream, checkUser, checkWorkers, Problems, quote } from './nginx-values';

/**
 * The gateway: nginx in front of core and the registry, serving the web console's files, the one
 * address clients use (Harbor's `nginx` and `portal` containers). It runs in the foreground under
 * the supervisor: `nginx -p <prefix> -c <prefix>/nginx.conf -g 'daemon off;'`.
 */
export interface GatewayOptions {
  /** nginx's prefix (`-p`): holds nginx.conf, the pid file and the temporary directories. */
  prefix: string;
  hostname: string;
  httpPort: number;
  /** With https, the http port only redirects to it. */
  https?: { port: number; certificate: string; privateKey: string };
  /** `host:port` (or `unix:/path`) of core. */
  coreUpstream: string;
  registryUpstream: string;
  /**
   * The web console's build (tools/build-portal.mjs: index.html, hashed files under assets/),
   * served at `/`. Without it, paths no other route claims go to core.
   */
  portalRoot?: string;
  /** The registry's DATA_DIR: blob files are at `<blobRoot>/blobs/<alg>/<2 hex>/<hex>`. */
  blobRoot: string;
  accessLog: string;
  errorLog: string;
  /** Default: one per core. */
  workerProcesses?: number;
  /**
   * The account nginx's workers run as when it is started by root (ignored otherwise). Unset:
   * nginx's built-in `nobody`, which needs read access to the blob files and the directories
   * above them; `root` when the data directory is private to root.
   */
  user?: string;
  /** The address to listen on (both ports). Default: every IPv4 address of the machine. */
  listenAddress?: string;
}

/**
 * The internal location blob files are served from. The registry must name it in
 * REGISTRY_ACCEL_PREFIX; clients cannot request it.
 */
export const ACCEL_PREFIX = '/_wharf_blobs';

/** Added to every request proxied to the registry: "the gateway can send blob files itself". */
export const ACCEL_REQUEST_HEADER = 'X-Wharf-Accel';

export class GatewayConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid gateway settings:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'GatewayConfigError';
  }
}

/** Paths of Harbor's API and UI that core serves. */
const CORE_ROUTES = ['/service/', '/api/', '/c/', '/devcenter-api-2.0'];

/** Renders nginx.conf for the gateway; throws GatewayConfigError listing every bad option. */
export function renderNginxConfig(o: GatewayOptions): string {
  validate(o);
  const lines: string[] = [
    '# The Wharf gateway. Written by the installer on every run: edit harbor.yml, not this file.',
    ...(o.user !== undefined && isRoot() ? [`user ${o.user};`] : []),
    `worker_processes ${o.workerProcesses ?? 'auto'};`,
    `pid ${quote(join(o.prefix, 'nginx.pid'))};`,
    `error_log ${quote(o.errorLog)} warn;`,
    '',
    'events {',
    '  worker_connections 4096;',
    '}',
    '',
    'http {',
    ...indent(httpSettings(o)),
    '',
    ...indent(upstreams(o)),
    '',
    ...indent(servers(o)),
    '}',
  ];
  return lines.join('\n') + '\n';
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function validate(o: GatewayOptions): void {
  const problems: Problems = [];
  checkPath(problems, 'prefix', o.prefix);
  checkHost(problems, 'hostname', o.hostname);
  checkPort(problems, 'httpPort', o.httpPort);
  if (o.https !== undefined) {
    checkPort(problems, 'https.port', o.https.port);
    checkPath(problems, 'https.certificate', o.https.certificate);
    checkPath(problems, 'https.privateKey', o.https.privateKey);
    if (o.https.port === o.httpPort) problems.push(`https.port: must differ from httpPort (${o.httpPort})`);
  }
  checkUpstream(problems, 'coreUpstream', o.coreUpstream);
  checkUpstream(problems, 'registryUpstream', o.registryUpstream);
  if (o.portalRoot !== undefined) checkPath(problems, 'portalRoot', o.portalRoot);
  checkPath(problems, 'blobRoot', o.blobRoot);
  checkPath(problems, 'accessLog', o.accessLog);
  checkPath(problems, 'errorLog', o.errorLog);
  if (o.workerProcesses !== undefined) checkWorkers(problems, 'workerProcesses', o.workerProcesses);
  if (o.user !== undefined) checkUser(problems, 'user', o.user);
  if (o.listenAddress !== undefined) checkHost(problems, 'listenAddress', o.listenAddress);
  if (problems.length > 0) throw new GatewayConfigError(problems);
}

function indent(lines: string[]): string[] {
  return lines.map((l) => (l === '' ? l : `  ${l}`));
}

function block(head: string, body: string[]): string[] {
  return [`${head} {`, ...indent(body), '}'];
}

function httpSettings(o: GatewayOptions): string[] {
  const temp = (name: string) => quote(join(o.prefix, name));
  return [
    'default_type application/octet-stream;',
    'server_tokens off;',
    'sendfile on;',
    'tcp_nopush on;',
    'tcp_nodelay on;',
    'keepalive_timeout 75s;',
    'reset_timedout_connection on;',
    '',
    // Upstream timings and byte counts: a blob the gateway sent from disk shows the registry's
    // few header bytes under `ubytes` and the whole blob under the body bytes.
    `log_format wharf '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '`,
    `                 '"$http_referer" "$http_user_agent" rt=$request_time uct=$upstream_connect_time '`,
    `                 'urt=$upstream_response_time us=$upstream_status ubytes=$upstream_bytes_received';`,
    `access_log ${quote(o.accessLog)} wharf;`,
    '',
    // The compiled-in temporary paths are system directories this nginx may not own.
    `client_body_temp_path ${temp('client_body_temp')};`,
    `proxy_temp_path ${temp('proxy_temp')};`,
    `fastcgi_temp_path ${temp('fastcgi_temp')};`,
    `uwsgi_temp_path ${temp('uwsgi_temp')};`,
    `scgi_temp_path ${temp('scgi_temp')};`,
    '',
    // Layers are gigabytes: no size limit, and request bodies stream to the upstream as they
    // arrive instead of being spooled to disk first; responses stream too.
    'client_max_body_size 0;',
    'client_body_timeout 300s;',
    'send_timeout 300s;',
    // Bearer tokens naming many repositories make long Authorization headers.
    'large_client_header_buffers 4 32k;',
    'proxy_http_version 1.1;',
    'proxy_request_buffering off;',
    'proxy_buffering off;',
    'proxy_buffer_size 32k;',
    'proxy_buffers 8 32k;',
    'proxy_connect_timeout 10s;',
    'proxy_send_timeout 900s;',
    'proxy_read_timeout 900s;',
    // A request without a Host header still tells the upstreams which address clients use.
    'map $http_host $wharf_host {',
    '  "" $host;',
    '  default $http_host;',
    '}',
  ];
}

function upstreams(o: GatewayOptions): string[] {
  // Keep-alive connections to the Node services: their idle timeouts (72 s and more) outlast
  // nginx's 60 s, so nginx never reuses a connection the service is closing.
  return [
    ...block('upstream wharf_core', [`server ${o.coreUpstream};`, 'keepalive 32;']),
    ...block('upstream wharf_registry', [`server ${o.registryUpstream};`, 'keepalive 64;']),
  ];
}

function listen(o: GatewayOptions, port: number, ssl: boolean): string {
  const address = o.listenAddress === undefined ? `${port}` : `${bracketed(o.listenAddress)}:${port}`;
  return `listen ${address}${ssl ? ' ssl' : ''};`;
}

function servers(o: GatewayOptions): string[] {
  const serverName = `server_name ${quote(bracketed(o.hostname))};`;
  if (o.https === undefined) return block('server', [listen(o, o.httpPort, false), serverName, '', ...routes(o)]);
  const port = o.https.port === 443 ? '' : `:${o.https.port}`;
  return [
    // 308 keeps the method and body, so a push sent to http:// follows too.
    ...block('server', [listen(o, o.httpPort, false), serverName, `return 308 https://$host${port}$request_uri;`]),
    '',
    ...block('server', [
      listen(o, o.https.port, true),
      serverName,
      `ssl_certificate ${quote(o.https.certificate)};`,
      `ssl_certificate_key ${quote(o.https.privateKey)};`,
      'ssl_protocols TLSv1.2 TLSv1.3;',
      'ssl_session_cache shared:wharf_tls:10m;',
      'ssl_session_timeout 1h;',
      '',
      ...routes(o),
    ]),
  ];
}

/** What every proxied request carries (repeated per location: nginx does not merge these lists). */
function forwarded(): string[] {
  return [
    'proxy_set_header Host $wharf_host;',
    'proxy_set_header X-Real-IP $remote_addr;',
    'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    'proxy_set_header X-Forwarded-Proto $scheme;',
    'proxy_set_header X-Forwarded-Host $wharf_host;',
    // Lets the upstream connection be kept alive.
    'proxy_set_header Connection "";',
  ];
}

function routes(o: GatewayOptions): string[] {
  const lines: string[] = [
    ...block('location /v2/', ['proxy_pass http://wharf_registry;', ...forwarded(), `proxy_set_header ${ACCEL_REQUEST_HEADER} 1;`]),
  ];
  for (const path of CORE_ROUTES) lines.push(...block(`location ${path}`, ['proxy_pass http://wharf_core;', ...forwarded()]));
  if (o.portalRoot === undefined) lines.push(...block('location /', ['proxy_pass http://wharf_core;', ...forwarded()]));
  else lines.push('', ...consoleLocations(o.portalRoot));
  lines.push('', ...blobLocations(o));
  return lines;
}

/**
 * The web console's Content-Security-Policy: scripts only from its own files (the build has no
 * inline script), inline styles because antd writes its CSS into <style> elements at run time,
 * requests only to this origin, and no framing.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** Headers of every console answer, errors included. */
function consoleSecurityHeaders(): string[] {
  return [
    `add_header Content-Security-Policy "${CONSOLE_CSP}" always;`,
    'add_header X-Content-Type-Options nosniff always;',
    'add_header Referrer-Policy same-origin always;',
    'add_header X-Frame-Options DENY always;',
  ];
}

/**
 * The web console at `/`: index.html for `/` and every `/harbor/...` page (the browser-side
 * router draws the page), never cached without asking; `/assets/` files, named by a hash of their
 * content, cached for a year; other files of the build (favicon.svg) as they are; any other path
 * goes to core, which answers it as before there was a console (its 404 in the API's format).
 * nginx opens the files on every request, so the installer can swap the whole directory at once
 * under a running gateway. Nested locations inherit the root, types and compression; a nested
 * location with add_header of its own replaces the outer ones, so each lists all of its headers.
 */
function consoleLocations(root: string): string[] {
  const index = ['try_files /index.html =404;'];
  return [
    ...block('location /', [
      `root ${quote(root)};`,
      // Only what a Vite build holds; anything else is application/octet-stream, and nosniff
      // keeps browsers from guessing.
      ...block('types', [
        'text/html html;',
        'text/css css;',
        'text/javascript js mjs;',
        'application/json json map;',
        'application/manifest+json webmanifest;',
        'image/svg+xml svg;',
        'image/png png;',
        'image/x-icon ico;',
        'font/woff2 woff2;',
        'font/woff woff;',
        'text/plain txt;',
      ]),
      'charset utf-8;',
      'charset_types text/css text/javascript application/json application/manifest+json text/plain;',
      // The build's own .gz files (tools/build-portal.mjs) where there are; on the fly otherwise.
      'gzip_static on;',
      'gzip on;',
      'gzip_comp_level 5;',
      'gzip_min_length 256;',
      'gzip_types text/css text/javascript application/json application/manifest+json image/svg+xml text/plain;',
      'gzip_vary on;',
      'add_header Cache-Control no-cache always;',
      ...consoleSecurityHeaders(),
      'try_files $uri @wharf_core;',
      '',
      ...block('location = /', index),
      ...block('location = /harbor', index),
      ...block('location /harbor/', index),
      // A file that is not there is a 404, never index.html: a script tag must not get a page.
      // The year-long caching is for files only (add_header without `always`).
      ...block('location /assets/', ['try_files $uri =404;', 'add_header Cache-Control "public, max-age=31536000, immutable";', ...consoleSecurityHeaders()]),
    ]),
    ...block('location @wharf_core', ['proxy_pass http://wharf_core;', ...forwarded()]),
  ];
}

/**
 * Blob files, sent by nginx when the registry answers an authorized pull with
 * `X-Accel-Redirect: /_wharf_blobs/<alg>/<2 hex>/<hex>`. nginx keeps only Content-Type,
 * Cache-Control and a few others of the registry's headers across that redirect: the digest,
 * ETag and API version are put back from the registry's response. Range requests are applied to
 * the file here.
 */
function blobLocations(o: GatewayOptions): string[] {
  return [
    ...block(`location ${ACCEL_PREFIX}/`, [
      'internal;',
      `alias ${quote(join(o.blobRoot, 'blobs') + '/')};`,
      // Validators are the registry's (the digest), not the file's modification time.
      'etag off;',
      'if_modified_since off;',
      'add_header Last-Modified "";',
      'add_header ETag $upstream_http_etag;',
      'add_header Docker-Content-Digest $upstream_http_docker_content_digest;',
      'add_header Docker-Distribution-API-Version $upstream_http_docker_distribution_api_version;',
      // Removed (garbage collection) between the registry's check and this read.
      'error_page 404 = @wharf_blob_unknown;',
    ]),
    ...block('location @wharf_blob_unknown', [
      'default_type application/json;',
      'add_header Docker-Distribution-API-Version registry/2.0 always;',
      `return 404 '{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]}';`,
    ]),
  ];
}
