import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { HarborConfig } from '@wharf/config';
import { composeEnv } from './docker-compose';

const REPO = resolve(__dirname, '../../..');

const config: HarborConfig = {
  hostname: 'reg.example.com',
  http: { port: 8080 },
  https: { port: 8443, certificate: '/etc/wharf/server.crt', private_key: '/etc/wharf/server.key' },
  harbor_admin_password: 'Harbor12345',
  database: { password: 'root123', max_idle_conns: 10, max_open_conns: 100 },
  data_volume: '/srv/wharf',
  storage_service: { filesystem: {} },
  jobservice: { max_job_workers: 6 },
  notification: { webhook_job_max_retry: 3, webhook_job_http_client_timeout: 3 },
  log: { level: 'debug', local: { rotate_count: 5, rotate_size: '200M', rotate_size_bytes: 200 * 1024 * 1024, location: '/var/log/harbor' } },
  wharf: { registry_workers: 3 },
};

describe('the Compose variables install.sh --docker writes', () => {
  const env = composeEnv(config, { databasePassword: 'generated', internalSecret: 's' });

  it('carry harbor.yml\'s settings, the jobservice\'s worker count included', () => {
    expect(env).toMatchObject({
      WHARF_HOSTNAME: 'reg.example.com',
      WHARF_HTTP_PORT: '8080',
      WHARF_HTTPS_PORT: '8443',
      WHARF_DATA_VOLUME: '/srv/wharf',
      WHARF_DATABASE_PASSWORD: 'generated',
      WHARF_LOG_LEVEL: 'debug',
      WHARF_REGISTRY_WORKERS: '3',
      WHARF_JOBSERVICE_WORKERS: '6',
    });
  });

  it('pass harbor.yml\'s proxy to the jobservice only when proxy.components names it, never the services\' own names through it', () => {
    const withProxy = (components: string[]) =>
      composeEnv({ ...config, proxy: { http_proxy: 'http://proxy:3128', https_proxy: 'http://proxy:3129', no_proxy: '.internal', components } }, { databasePassword: 'generated', internalSecret: 's' });
    expect(withProxy(['core', 'jobservice'])).toMatchObject({
      WHARF_JOBSERVICE_HTTP_PROXY: 'http://proxy:3128',
      WHARF_JOBSERVICE_HTTPS_PROXY: 'http://proxy:3129',
      WHARF_JOBSERVICE_NO_PROXY: 'core,registry,postgres,redis,127.0.0.1,localhost,.internal',
    });
    expect(Object.keys(withProxy(['core'])).filter((k) => k.includes('PROXY'))).toEqual([]);
    expect(Object.keys(env).filter((k) => k.includes('PROXY'))).toEqual([]);
  });

  it('carry wharf.manifest_urls to the registry, each list as one pattern', () => {
    const withUrls = composeEnv({ ...config, wharf: { manifest_urls: { allow: ['^https://a/', '^https://b/'], deny: ['x'] } } }, { databasePassword: 'generated', internalSecret: 's' });
    expect(withUrls).toMatchObject({ WHARF_REGISTRY_MANIFEST_URLS_ALLOW: '(?:^https://a/)|(?:^https://b/)', WHARF_REGISTRY_MANIFEST_URLS_DENY: '(?:x)' });
    const compose = readFileSync(join(REPO, 'docker-compose.yml'), 'utf8');
    expect(compose).toContain('REGISTRY_MANIFEST_URLS_ALLOW: ${WHARF_REGISTRY_MANIFEST_URLS_ALLOW:-}');
    expect(compose).toContain('REGISTRY_MANIFEST_URLS_DENY: ${WHARF_REGISTRY_MANIFEST_URLS_DENY:-}');
    expect(Object.keys(env).filter((k) => k.includes('MANIFEST_URLS'))).toEqual([]);
  });

  it('are all documented in deploy/compose/env.example, which docker-compose.yml is checked against', () => {
    const documented = new Set(
      readFileSync(join(REPO, 'deploy/compose/env.example'), 'utf8')
        .split('\n')
        .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
        .filter((name): name is string => name !== undefined),
    );
    expect(Object.keys(env).filter((name) => !documented.has(name))).toEqual([]);
  });
});
