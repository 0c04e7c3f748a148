import { ACCEL_PREFIX, CONSOLE_CSP, GatewayConfigError, GatewayOptions, renderNginxConfig } from './nginx-config';

const base: GatewayOptions = {
  prefix: '/data/run/nginx',
  hostname: 'registry.example.com',
  httpPort: 80,
  coreUpstream: '127.0.0.1:8080',
  registryUpstream: '127.0.0.1:5000',
  blobRoot: '/data/registry',
  accessLog: '/var/log/wharf/gateway-access.log',
  errorLog: '/var/log/wharf/gateway-error.log',
};
const tls = { port: 443, certificate: '/certs/server.crt', privateKey: '/certs/server.key' };

/** The directives of the first block opened by `head` (one level, without nested blocks). */
function blockOf(conf: string, head: string): string[] {
  const lines = conf.split('\n');
  const start = lines.findIndex((l) => l.trim() === `${head} {`);
  if (start === -1) throw new Error(`no block "${head}" in:\n${conf}`);
  const depthOf = (line: string) => line.length - line.trimStart().length;
  const depth = depthOf(lines[start]);
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '}' && depthOf(line) === depth) break;
    // Directives one level in; a nested block shows as its opening line only.
    if (line.trim() !== '' && depthOf(line) === depth + 2) body.push(line.trim());
  }
  return body;
}

function problemsOf(o: GatewayOptions): string[] {
  try {
    renderNginxConfig(o);
  } catch (err) {
    if (err instanceof GatewayConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('renderNginxConfig', () => {
  it('leaves daemon to the command line and keeps pid and temporary files under the prefix', () => {
    const conf = renderNginxConfig(base);
    expect(conf).not.toMatch(/^\s*daemon/m);
    expect(conf).toContain('pid "/data/run/nginx/nginx.pid";');
    for (const temp of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
      expect(conf).toContain(`${temp}_temp_path "/data/run/nginx/${temp}_temp";`);
    }
    expect(conf).toContain('error_log "/var/log/wharf/gateway-error.log" warn;');
    expect(conf).toMatch(/access_log "\/var\/log\/wharf\/gateway-access.log" wharf;/);
  });

  it('routes /v2/ to the registry with the offload mark, Harbor API and UI paths to core', () => {
    const conf = renderNginxConfig(base);
    expect(blockOf(conf, 'upstream wharf_registry')).toContain('server 127.0.0.1:5000;');
    expect(blockOf(conf, 'upstream wharf_core')).toContain('server 127.0.0.1:8080;');
    const v2 = blockOf(conf, 'location /v2/');
    expect(v2).toContain('proxy_pass http://wharf_registry;');
    expect(v2).toContain('proxy_set_header X-Wharf-Accel 1;');
    for (const path of ['/service/', '/api/', '/c/', '/devcenter-api-2.0', '/']) {
      const loc = blockOf(conf, `location ${path}`);
      expect(loc).toContain('proxy_pass http://wharf_core;');
      expect(loc).not.toContain('proxy_set_header X-Wharf-Accel 1;');
    }
  });

  describe('the web console, with portalRoot', () => {
    const conf = renderNginxConfig({ ...base, portalRoot: '/data/run/portal' });
    const security = [
      `add_header Content-Security-Policy "${CONSOLE_CSP}" always;`,
      'add_header X-Content-Type-Options nosniff always;',
      'add_header Referrer-Policy same-origin always;',
      'add_header X-Frame-Options DENY always;',
    ];

    it('a Content-Security-Policy without inline scripts, and antd\'s inline styles', () => {
      const policy = new Map(CONSOLE_CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
      expect(policy.get('script-src')).toEqual(["'self'"]);
      expect(policy.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
      expect(policy.get('img-src')).toEqual(["'self'", 'data:']);
      expect(policy.get('connect-src')).toEqual(["'self'"]);
      expect(policy.get('font-src')).toEqual(["'self'", 'data:']);
      expect(policy.get('object-src')).toEqual(["'none'"]);
      expect(policy.get('base-uri')).toEqual(["'self'"]);
      expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
      expect(policy.get('form-action')).toEqual(["'self'"]);
      expect(CONSOLE_CSP).not.toContain('unsafe-eval');
      // A double quote would end the add_header value.
      expect(CONSOLE_CSP).not.toContain('"');
    });

    it('serves the build at / with index.html not cached and the security headers', () => {
      const root = blockOf(conf, 'location /');
      expect(root).toContain('root "/data/run/portal";');
      expect(root).toContain('add_header Cache-Control no-cache always;');
      expect(root).toEqual(expect.arrayContaining(security));
      // Files of the build; any other path is core's, as it was before there was a console.
      expect(root).toContain('try_files $uri @wharf_core;');
      expect(blockOf(conf, 'location @wharf_core')).toEqual(expect.arrayContaining(['proxy_pass http://wharf_core;', 'proxy_set_header X-Forwarded-Proto $scheme;']));
      expect(conf).not.toContain('proxy_pass http://wharf_portal');
    });

    it('answers /, /harbor and every /harbor/ deep link with index.html', () => {
      for (const head of ['location = /', 'location = /harbor', 'location /harbor/']) expect(blockOf(conf, head)).toEqual(['try_files /index.html =404;']);
    });

    it('caches /assets/ files for a year, 404 for a missing one, with the security headers', () => {
      const assets = blockOf(conf, 'location /assets/');
      expect(assets).toContain('try_files $uri =404;');
      // Without `always`: a 404 is not cached for a year.
      expect(assets).toContain('add_header Cache-Control "public, max-age=31536000, immutable";');
      expect(assets).toEqual(expect.arrayContaining(security));
      expect(assets.filter((d) => d.startsWith('add_header'))).toHaveLength(security.length + 1);
    });

    it('compresses scripts, styles, JSON and SVG, names their types and leaves the rest to nosniff', () => {
      const root = blockOf(conf, 'location /');
      expect(root).toContain('gzip on;');
      expect(root).toContain('gzip_vary on;');
      const gzipTypes = root.find((d) => d.startsWith('gzip_types '))?.slice('gzip_types '.length, -1).split(' ');
      expect(gzipTypes).toEqual(expect.arrayContaining(['text/javascript', 'text/css', 'application/json', 'image/svg+xml']));
      const types = blockOf(conf, 'types');
      expect(types).toEqual(expect.arrayContaining(['text/html html;', 'text/css css;', 'text/javascript js mjs;', 'application/json json map;', 'image/svg+xml svg;']));
      // API answers are core's, compressed or not as core sends them.
      expect(blockOf(conf, 'http')).not.toContain('gzip on;');
    });

    it('leaves every API location as it was and first in line', () => {
      const without = renderNginxConfig(base);
      for (const path of ['/v2/', '/service/', '/api/', '/c/', '/devcenter-api-2.0']) {
        expect(blockOf(conf, `location ${path}`)).toEqual(blockOf(without, `location ${path}`));
        expect(blockOf(conf, `location ${path}`).some((d) => d.startsWith('add_header'))).toBe(false);
      }
      // Prefix locations: the longest match wins, and no regular expression location could
      // take an API path from them.
      expect(conf).not.toMatch(/location ~/);
      expect(blockOf(conf, `location ${ACCEL_PREFIX}/`)).toContain('internal;');
    });

    it('with https, on the https server only', () => {
      const tlsConf = renderNginxConfig({ ...base, https: tls, portalRoot: '/data/run/portal' });
      expect(tlsConf.match(/root "\/data\/run\/portal";/g)).toHaveLength(1);
      expect(tlsConf.indexOf('root "/data/run/portal";')).toBeGreaterThan(tlsConf.indexOf('listen 443 ssl;'));
    });

    it('without portalRoot, paths no other route claims go to core', () => {
      expect(blockOf(renderNginxConfig(base), 'location /')).toContain('proxy_pass http://wharf_core;');
      expect(renderNginxConfig(base)).not.toContain('Content-Security-Policy');
    });
  });

  it('every proxied location forwards the client-facing host, scheme and address', () => {
    const conf = renderNginxConfig(base);
    for (const path of ['/v2/', '/service/', '/api/', '/c/', '/devcenter-api-2.0', '/']) {
      expect(blockOf(conf, `location ${path}`)).toEqual(
        expect.arrayContaining([
          'proxy_set_header Host $wharf_host;',
          'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
          'proxy_set_header X-Forwarded-Proto $scheme;',
          'proxy_set_header X-Forwarded-Host $wharf_host;',
        ]),
      );
    }
  });

  it('streams uploads without a size limit', () => {
    const http = blockOf(renderNginxConfig(base), 'http');
    expect(http).toEqual(expect.arrayContaining(['client_max_body_size 0;', 'proxy_request_buffering off;', 'proxy_buffering off;', 'proxy_http_version 1.1;']));
  });

  it('serves blob files from an internal location aliasing <blobRoot>/blobs/', () => {
    const loc = blockOf(renderNginxConfig(base), `location ${ACCEL_PREFIX}/`);
    expect(ACCEL_PREFIX).toBe('/_wharf_blobs');
    expect(loc).toContain('internal;');
    expect(loc).toContain('alias "/data/registry/blobs/";');
    expect(loc).toContain('add_header Docker-Content-Digest $upstream_http_docker_content_digest;');
  });

  it('without https: one server on the http port', () => {
    const conf = renderNginxConfig(base);
    expect(conf).toContain('listen 80;');
    expect(conf).not.toContain('ssl');
    expect(conf).not.toContain('return 308');
  });

  it('with https: the http port redirects, the https port serves with the certificate', () => {
    const conf = renderNginxConfig({ ...base, https: tls });
    expect(conf).toContain('listen 443 ssl;');
    expect(conf).toContain('ssl_certificate "/certs/server.crt";');
    expect(conf).toContain('ssl_certificate_key "/certs/server.key";');
    expect(conf).toContain('return 308 https://$host$request_uri;');
    expect(conf.match(/location \/v2\/ \{/g)).toHaveLength(1);
  });

  it('names a non-default https port in the redirect', () => {
    expect(renderNginxConfig({ ...base, httpPort: 8080, https: { ...tls, port: 8443 } })).toContain('return 308 https://$host:8443$request_uri;');
  });

  it('listens on the given address, IPv6 in brackets', () => {
    expect(renderNginxConfig({ ...base, listenAddress: '127.0.0.1' })).toContain('listen 127.0.0.1:80;');
    expect(renderNginxConfig({ ...base, listenAddress: '::1', https: tls })).toContain('listen [::1]:443 ssl;');
  });

  it('sets worker processes and, when started by root, their user', () => {
    expect(renderNginxConfig(base)).toContain('worker_processes auto;');
    expect(renderNginxConfig({ ...base, workerProcesses: 3 })).toContain('worker_processes 3;');
    expect(renderNginxConfig(base)).not.toMatch(/^user /m);
    const withUser = renderNginxConfig({ ...base, user: 'wharf' });
    if (process.getuid?.() === 0) expect(withUser).toMatch(/^user wharf;$/m);
    else expect(withUser).not.toMatch(/^user /m);
  });

  it('accepts unix socket upstreams and quotes paths with spaces', () => {
    const conf = renderNginxConfig({ ...base, coreUpstream: 'unix:/data/run/core.sock', blobRoot: '/srv/my data/registry' });
    expect(blockOf(conf, 'upstream wharf_core')).toContain('server unix:/data/run/core.sock;');
    expect(conf).toContain('alias "/srv/my data/registry/blobs/";');
  });

  describe('refuses what nginx would misread, naming every problem', () => {
    it.each<[string, Partial<GatewayOptions>, string]>([
      ['relative prefix', { prefix: 'run/nginx' }, 'prefix: must be an absolute path'],
      ['quote in a path', { blobRoot: '/data/"x' }, 'blobRoot: must not contain'],
      ['variable in a path', { accessLog: '/logs/$host.log' }, 'accessLog: must not contain'],
      ['newline in a path', { errorLog: '/logs/a\nb' }, 'errorLog: must not contain'],
      ['bad hostname', { hostname: 'reg example;com' }, 'hostname: must be a host name'],
      ['port 0', { httpPort: 0 }, 'httpPort: must be an integer'],
      ['fractional port', { httpPort: 80.5 }, 'httpPort: must be an integer'],
      ['upstream without port', { coreUpstream: '127.0.0.1' }, 'coreUpstream: must be host:port'],
      ['upstream injection', { registryUpstream: '127.0.0.1:5000; include /etc/passwd' }, 'registryUpstream: must be host:port'],
      ['relative socket', { coreUpstream: 'unix:core.sock' }, 'coreUpstream: must be unix:'],
      ['relative console directory', { portalRoot: 'dist/apps/portal' }, 'portalRoot: must be an absolute path'],
      ['quote in the console directory', { portalRoot: '/data/"portal' }, 'portalRoot: must not contain'],
      ['bad user', { user: 'root; daemon on' }, 'user: must be a user name'],
      ['zero workers', { workerProcesses: 0 }, 'workerProcesses: must be an integer'],
      ['bad listen address', { listenAddress: '0.0.0.0 ssl' }, 'listenAddress: must be a host name'],
    ])('%s', (_name, change, problem) => {
      const problems = problemsOf({ ...base, ...change });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(problem);
    });

    it('https: the same port twice, missing files', () => {
      const problems = problemsOf({ ...base, https: { port: 80, certificate: '', privateKey: 'key.pem' } });
      expect(problems).toEqual([
        'https.certificate: is required',
        'https.privateKey: must be an absolute path, got "key.pem"',
        'https.port: must differ from httpPort (80)',
      ]);
    });

    it('lists them all in the message, one per line', () => {
      expect(() => renderNginxConfig({ ...base, prefix: '', httpPort: -1 })).toThrow(/invalid gateway settings:\n {2}prefix: is required\n {2}httpPort: must be/);
    });
  });
});
